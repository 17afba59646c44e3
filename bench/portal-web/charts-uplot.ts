import { createChart } from '../../web/src/components/chart-uplot.js';
import { runChartBench } from './charts-run.js';

void runChartBench(createChart);
