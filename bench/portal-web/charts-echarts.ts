import { createChart } from './chart-echarts.js';
import { runChartBench } from './charts-run.js';

void runChartBench(createChart);
