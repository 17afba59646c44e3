import { readMac } from '../../../flow/addr.js';
import type { AppDecoder, AppFieldSink, AppPayload } from '../../contract.js';
import { TextBuffer } from '../dns/text-buffer.js';
import { Bootp, DhcpError, type DhcpErrorReason, DhcpMessage, dhcpErrorReasons } from './dhcp-message.js';

export interface DhcpCounts {
  messages: number;
  /** BOOTP messages without the DHCP magic cookie (no options). */
  bootp: number;
  /** Messages in a flow after the first of its record (the record keeps the last). */
  replaced: number;
}

/** The per-flow state: whether the next record already carries a message. */
export class DhcpFlowState {
  carrying = false;
}

/**
 * DHCP (and plain BOOTP) over UDP ports 67/68. Each message writes every DHCP column, so a record
 * carries the last message of its interval: the later message of an exchange says more (a Request
 * after a Discover names the address asked for, an ACK after an Offer the lease granted).
 * Options absent from the message are written as 0 or ''.
 */
export class DhcpDecoder implements AppDecoder<DhcpFlowState> {
  readonly protocol = 'dhcp';
  readonly errors = Object.fromEntries(dhcpErrorReasons.map((r) => [r, 0])) as Record<
    DhcpErrorReason,
    number
  >;
  readonly counts: DhcpCounts = { messages: 0, bootp: 0, replaced: 0 };
  private readonly msg = new DhcpMessage();
  private readonly text = new TextBuffer(255);

  matchesPorts(clientPort: number, serverPort: number, transport: 'tcp' | 'udp'): boolean {
    if (transport !== 'udp') return false;
    return serverPort === 67 || serverPort === 68 || clientPort === 67 || clientPort === 68;
  }

  newState(): DhcpFlowState {
    return new DhcpFlowState();
  }

  /** The flow's record was exported. */
  exported(state: DhcpFlowState): void {
    state.carrying = false;
  }

  payload(state: DhcpFlowState, p: AppPayload, out: AppFieldSink): void {
    const m = this.msg;
    this.counts.messages++;
    const usable = m.parse(p.buf, p.start, p.end, p.wireLength);
    if (m.error !== DhcpError.none) this.errors[dhcpErrorReasons[m.error]!]++;
    if (!usable) return;
    if (!m.dhcp) this.counts.bootp++;
    if (state.carrying) this.counts.replaced++;
    state.carrying = true;
    const buf = p.buf;
    const s = p.start;
    out.setString('app_protocol', 'dhcp');
    out.setNumber('dhcp_op', m.op);
    out.setNumber('dhcp_msg_type', m.msgType);
    out.setNumber('dhcp_client_mac', m.hasMac ? readMac(buf, s + Bootp.chaddr) : 0);
    out.setAddress('dhcp_ciaddr', buf, s + Bootp.ciaddr, 4);
    out.setAddress('dhcp_yiaddr', buf, s + Bootp.yiaddr, 4);
    out.setAddress('dhcp_siaddr', buf, s + Bootp.siaddr, 4);
    out.setNumber('dhcp_lease_time', Math.max(0, m.leaseTime));
    out.setString('dhcp_host_name', this.string(m.hostNamePos, m.hostNameLength));
    out.setString('dhcp_domain', this.string(m.domainPos, m.domainLength));
  }

  /**
   * An option's text: up to the first NUL (some clients terminate it), printable ASCII as is,
   * other bytes and '\' as \DDD.
   */
  private string(pos: number, length: number): string {
    if (length <= 0) return '';
    const buf = this.msg.buf;
    const t = this.text;
    t.reset();
    for (let i = pos; i < pos + length; i++) {
      const c = buf[i]!;
      if (c === 0) break;
      if (c < 32 || c >= 127 || c === 92) t.escapedByte(c);
      else t.byte(c);
    }
    return t.take();
  }
}

export function createDhcpDecoder(): DhcpDecoder {
  return new DhcpDecoder();
}
