/** The link types flowlens parses (tcpdump.org LINKTYPE_* values). */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in the capturing host's byte order
  ETHERNET: 1,
  RAW_OPENBSD: 12, // raw IP (DLT_RAW as numbered on some BSDs)
  RAW_BSDOS: 14,
  RAW: 101,
  LOOP: 108, // OpenBSD loopback: 4-byte address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export function linkTypeName(linkType: number): string {
  for (const [name, value] of Object.entries(LinkType)) if (value === linkType) return name.toLowerCase();
  return `linktype ${linkType}`;
}
