import type { QueryEngine, QueryResult, QuerySession } from '../../query/api.js';
import { reportedSettings } from '../../query/compat/settings.js';
import type { SqlType } from '../../query/sql-types.js';
import { sqlTypeOid } from '../../query/sql-types.js';
import {
  commandComplete,
  empty,
  parameterDescription,
  parameterStatus,
  readyForQuery,
} from './backend-messages.js';
import { paramSqlTypes, paramsAsText } from './bind-params.js';
import {
  errorResponse,
  noticeResponse,
  toWireError,
  WireErrorThrown,
  WireState,
  wireError,
} from './error-response.js';
import type { FrontendMessage } from './frontend-messages.js';
import type { PgConnectionMetrics, PgProtocol } from './pg-metrics.js';
import { type Portal, type PreparedStatement, pageTag, returnsRows } from './portal.js';
import { resultShape, rowDescription, sendRows } from './result-out.js';
import { TransactionBlock } from './transaction-block.js';
import type { WireSocket } from './wire-socket.js';

/**
 * The query phase of one connection: simple Query, and the extended protocol's Parse / Bind /
 * Describe / Execute / Close / Flush / Sync with named and unnamed statements and portals. After an
 * error in an extended-protocol message, everything up to the next Sync is skipped.
 */
export class QueryProtocol {
  private readonly statements = new Map<string, PreparedStatement>();
  private readonly portals = new Map<string, Portal>();
  private skipUntilSync = false;
  private readonly tx = new TransactionBlock();
  private running: AbortController | undefined;
  private readonly reported = new Map<string, string>();

  constructor(
    private readonly ws: WireSocket,
    private readonly engine: QueryEngine,
    private readonly session: QuerySession,
    private readonly metrics: PgConnectionMetrics,
  ) {
    for (const [name, value] of reportedSettings(session)) this.reported.set(name, value);
    ws.whenClosed(() => this.cancel());
  }

  /** Aborts the running query (CancelRequest, or the client went away). */
  cancel(): void {
    this.running?.abort();
  }

  /** Handles one message; false when the client said Terminate. */
  async handle(msg: FrontendMessage): Promise<boolean> {
    if (msg.kind === 'terminate') return false;
    if (msg.kind === 'sync') {
      this.skipUntilSync = false;
      if (this.tx.status === 'I') this.portals.clear();
      this.ready();
      return true;
    }
    if (msg.kind === 'flush') {
      this.ws.writer.flush();
      return true;
    }
    if (this.skipUntilSync || msg.kind === 'copy') return true;
    if (msg.kind === 'query') {
      await this.simpleQuery(msg.sql);
      return true;
    }
    try {
      await this.extended(msg);
    } catch (err) {
      const error = toWireError(err);
      if (error.severity === 'FATAL') throw err;
      errorResponse(this.ws.writer, error);
      this.tx.failed();
      this.skipUntilSync = true;
    }
    return true;
  }

  /** A message whose body did not parse: an error like any other (a simple Query still ends in ReadyForQuery). */
  malformed(type: number, err: Error): void {
    if (this.skipUntilSync && type !== 0x53) return;
    errorResponse(this.ws.writer, toWireError(err));
    this.tx.failed();
    if (type === 0x51) this.ready();
    else if (type === 0x53) {
      this.skipUntilSync = false;
      this.ready();
    } else this.skipUntilSync = true;
  }

  private ready(): void {
    readyForQuery(this.ws.writer, this.tx.status);
    this.ws.writer.flush();
  }

  private async simpleQuery(sql: string): Promise<void> {
    this.portals.delete('');
    this.statements.delete('');
    try {
      const statements = this.engine.split(sql);
      if (statements.length === 0) empty(this.ws.writer, 'I');
      for (const statement of statements) {
        await this.tx.admit(statement);
        const result = await this.run(statement, 'simple');
        const shape = resultShape(result.fields, []);
        // A SELECT of no columns (`SELECT FROM t`) is described all the same (0 fields), as in PostgreSQL.
        if (returnsRows(result)) rowDescription(this.ws.writer, shape);
        this.metrics.rowsSent(
          await sendRows(this.ws.writer, shape, result.rows, 0, result.rows.length, () => this.ws.isClosed),
        );
        await this.complete(statement, result.command);
      }
    } catch (err) {
      errorResponse(this.ws.writer, toWireError(err));
      this.tx.failed();
    }
    this.ready();
  }

  private async extended(
    msg: Exclude<FrontendMessage, { kind: 'query' | 'sync' | 'flush' | 'terminate' | 'copy' }>,
  ): Promise<void> {
    const w = this.ws.writer;
    switch (msg.kind) {
      case 'parse': {
        if (msg.name !== '' && this.statements.has(msg.name))
          throw thrown(
            WireState.duplicatePreparedStatement,
            `prepared statement "${msg.name}" already exists`,
          );
        const parts = this.engine.split(msg.sql);
        if (parts.length > 1)
          throw thrown(WireState.syntaxError, 'cannot insert multiple commands into a prepared statement');
        if (parts.length === 1) await this.tx.admit(parts[0]!);
        this.statements.set(msg.name, {
          sql: parts[0] ?? '',
          empty: parts.length === 0,
          paramOids: msg.paramTypes,
        });
        empty(w, '1');
        return;
      }
      case 'bind': {
        const statement = this.statement(msg.statement);
        if (msg.portal !== '' && this.portals.has(msg.portal))
          throw thrown(WireState.duplicateCursor, `cursor "${msg.portal}" already exists`);
        if (msg.paramFormats.length > 1 && msg.paramFormats.length !== msg.params.length)
          throw thrown(
            WireState.protocolViolation,
            `bind message has ${msg.paramFormats.length} parameter formats but ${msg.params.length} parameters`,
          );
        if (!statement.empty) await this.tx.admit(statement.sql);
        const params = await paramsAsText(this.engine, this.session, statement, msg.params, msg.paramFormats);
        this.portals.set(msg.portal, { statement, params, resultFormats: msg.resultFormats, sent: 0 });
        empty(w, '2');
        return;
      }
      case 'describe':
        if (msg.target === 'S') await this.describeStatement(this.statement(msg.name));
        else {
          const named = this.portal(msg.name);
          if (!named.statement.empty) await this.tx.admit(named.statement.sql);
          const portal = await this.executed(named);
          if (portal.result === undefined || !returnsRows(portal.result)) empty(w, 'n');
          else rowDescription(w, portal.shape!);
        }
        return;
      case 'execute':
        await this.execute(this.portal(msg.portal), msg.maxRows);
        return;
      case 'close':
        if (msg.target === 'S') this.statements.delete(msg.name);
        else this.portals.delete(msg.name);
        empty(w, '3');
        return;
      case 'password':
        throw thrown(WireState.protocolViolation, 'unexpected password message after authentication');
    }
  }

  private async describeStatement(statement: PreparedStatement): Promise<void> {
    const w = this.ws.writer;
    if (statement.empty) {
      parameterDescription(w, []);
      empty(w, 'n');
      return;
    }
    const description = await this.engine.describe(this.session, statement.sql, paramSqlTypes(statement));
    // A failed block describes only statements without a result (PostgreSQL needs the catalog for the rest).
    if (description.noData !== true) await this.tx.admit(statement.sql);
    const oids = description.paramTypes.map((type, i) => statement.paramOids[i] || sqlTypeOid[type]);
    parameterDescription(w, oids);
    // NoData only for statements without a result; a SELECT of no columns has a RowDescription of 0 fields.
    if (description.noData === true) empty(w, 'n');
    else rowDescription(w, resultShape(description.fields, []));
  }

  private async execute(portal: Portal, maxRows: number): Promise<void> {
    const w = this.ws.writer;
    if (portal.statement.empty) {
      empty(w, 'I');
      return;
    }
    await this.tx.admit(portal.statement.sql);
    await this.executed(portal);
    const { result, shape } = portal as Required<Portal>;
    const total = result.rows.length;
    const end = maxRows > 0 ? Math.min(total, portal.sent + maxRows) : total;
    const from = portal.sent;
    portal.sent = await sendRows(w, shape, result.rows, from, end, () => this.ws.isClosed);
    this.metrics.rowsSent(portal.sent - from);
    if (portal.sent < total) empty(w, 's');
    else
      await this.complete(
        portal.statement.sql,
        from === 0 && end === total ? result.command : pageTag(result.command, end - from),
      );
  }

  /** Runs the portal's statement the first time it is described or executed. */
  private async executed(portal: Portal): Promise<Portal> {
    if (portal.result !== undefined || portal.statement.empty) return portal;
    const result = await this.run(
      portal.statement.sql,
      'extended',
      portal.params,
      paramSqlTypes(portal.statement),
    );
    if (portal.resultFormats.length > 1 && portal.resultFormats.length !== result.fields.length)
      throw thrown(
        WireState.protocolViolation,
        `bind message has ${portal.resultFormats.length} result formats but query has ${result.fields.length} columns`,
      );
    portal.shape = resultShape(result.fields, portal.resultFormats);
    portal.result = result;
    return portal;
  }

  private async run(
    sql: string,
    protocol: PgProtocol,
    params?: readonly (string | null)[],
    paramTypes?: readonly SqlType[],
  ): Promise<QueryResult> {
    this.metrics.statement(protocol);
    const controller = new AbortController();
    this.running = controller;
    if (this.ws.isClosed) controller.abort();
    try {
      return await this.engine.run(this.session, sql, { signal: controller.signal, params, paramTypes });
    } finally {
      this.running = undefined;
    }
  }

  private async complete(sql: string, command: string): Promise<void> {
    const { tag, warning } = await this.tx.completed(sql, command);
    if (warning !== undefined) noticeResponse(this.ws.writer, warning);
    commandComplete(this.ws.writer, tag);
    // SQL-level DEALLOCATE ALL / DISCARD ALL drop protocol-level statements too, as in PostgreSQL.
    if (tag === 'DEALLOCATE ALL' || tag === 'DISCARD ALL') this.statements.clear();
    for (const [name, value] of reportedSettings(this.session)) {
      if (this.reported.get(name) === value) continue;
      this.reported.set(name, value);
      parameterStatus(this.ws.writer, name, value);
    }
  }

  private statement(name: string): PreparedStatement {
    const statement = this.statements.get(name);
    if (statement !== undefined) return statement;
    throw thrown(
      WireState.invalidSqlStatementName,
      name === ''
        ? 'unnamed prepared statement does not exist'
        : `prepared statement "${name}" does not exist`,
    );
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (portal !== undefined) return portal;
    throw thrown(
      WireState.invalidCursorName,
      name === '' ? 'unnamed portal does not exist' : `portal "${name}" does not exist`,
    );
  }
}

function thrown(code: string, message: string): WireErrorThrown {
  return new WireErrorThrown(wireError(code, message));
}
