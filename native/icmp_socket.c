/*
 * flowlens_icmp: the synthetic agent's raw ICMP / ICMPv6 socket (docs/synth.md, "The native
 * socket"). One socket per family, shared by every ping and traceroute task:
 *  - send(): the send time is read right before sendto, on CLOCK_MONOTONIC (process.hrtime's
 *    clock), and returned; the TTL / hop limit is set first when it differs from the last one;
 *  - receive: a uv_poll handle on the socket; each readiness event reads datagrams in batches
 *    with recvmmsg into buffers the JS side owns (one reused arena, no object per packet), with
 *    the kernel's receive time (SO_TIMESTAMPNS, converted to CLOCK_MONOTONIC) and, for ICMPv6,
 *    the received hop limit (IPV6_RECVHOPLIMIT), then calls back JS once per batch.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#define BATCH 64
#define SLOT 2048
#define BATCHES_PER_EVENT 4
#define CONTROL 128

typedef struct {
  napi_env env;
  int fd;
  int family;
  int ttl; /* the TTL / hop limit last set; 0: the system default */
  int closed;
  uv_poll_t *poll;
  napi_ref callback;
  napi_ref arrays[5];
  napi_async_context async;
  /* The JS side's arrays: BATCH slots of SLOT bytes, and per message its length, receive time
   * (ns, CLOCK_MONOTONIC), hop limit (-1: unknown) and source address (16 bytes). */
  unsigned char *arena;
  int32_t *lengths;
  double *stamps;
  int32_t *hops;
  unsigned char *sources;
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  struct sockaddr_storage from[BATCH];
  unsigned char control[BATCH][CONTROL];
} icmp_socket;

#define CHECK(call)                                                                               \
  do {                                                                                            \
    if ((call) != napi_ok) return throw_last(env);                                               \
  } while (0)

static napi_value throw_last(napi_env env) {
  const napi_extended_error_info *info = NULL;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "EINVAL", info && info->error_message ? info->error_message : "napi call failed");
  return NULL;
}

static napi_value throw_errno(napi_env env, int err) {
  static const char *names[] = {[EPERM] = "EPERM", [EACCES] = "EACCES", [EAFNOSUPPORT] = "EAFNOSUPPORT",
                                [EMFILE] = "EMFILE", [ENFILE] = "ENFILE", [ENOBUFS] = "ENOBUFS",
                                [EPROTONOSUPPORT] = "EPROTONOSUPPORT"};
  const char *code = err > 0 && err < (int)(sizeof names / sizeof *names) && names[err] ? names[err] : "ESYSCALL";
  napi_throw_error(env, code, strerror(err));
  return NULL;
}

static double clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void finalize(napi_env env, void *data, void *hint);

static void on_closed(uv_handle_t *handle) { free(handle); }

static void stop(icmp_socket *s) {
  if (s->closed) return;
  s->closed = 1;
  uv_poll_stop(s->poll);
  uv_close((uv_handle_t *)s->poll, on_closed);
  close(s->fd);
}

/* Fills message i's length, receive time, hop limit and source from what recvmmsg returned. */
static void describe(icmp_socket *s, int i, double offset, double now) {
  struct msghdr *h = &s->msgs[i].msg_hdr;
  s->lengths[i] = (int32_t)s->msgs[i].msg_len;
  s->stamps[i] = now;
  s->hops[i] = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL; c = CMSG_NXTHDR(h, c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
      struct timespec ts;
      memcpy(&ts, CMSG_DATA(c), sizeof ts);
      /* The kernel stamps on CLOCK_REALTIME; offset = realtime - monotonic, read just now. */
      s->stamps[i] = (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec - offset;
    } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT) {
      int hop;
      memcpy(&hop, CMSG_DATA(c), sizeof hop);
      s->hops[i] = hop;
    }
  }
  unsigned char *src = s->sources + 16 * i;
  memset(src, 0, 16);
  if (s->family == 4)
    memcpy(src, &((struct sockaddr_in *)&s->from[i])->sin_addr, 4);
  else
    memcpy(src, &((struct sockaddr_in6 *)&s->from[i])->sin6_addr, 16);
}

/* Calls the JS callback with `count` (> 0: messages in the arrays; < 0: -errno). */
static void deliver(icmp_socket *s, int count) {
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, recv, arg, result;
  napi_get_reference_value(env, s->callback, &cb);
  napi_get_global(env, &recv); /* napi_make_callback wants an object */
  napi_create_int32(env, count, &arg);
  if (napi_make_callback(env, s->async, recv, cb, 1, &arg, &result) == napi_pending_exception) {
    napi_value err;
    napi_get_and_clear_last_exception(env, &err);
    napi_fatal_exception(env, err);
  }
  napi_close_handle_scope(env, scope);
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  icmp_socket *s = poll->data;
  (void)events;
  if (status < 0) {
    deliver(s, status);
    return;
  }
  for (int b = 0; b < BATCHES_PER_EVENT && !s->closed; b++) {
    for (int i = 0; i < BATCH; i++) {
      struct msghdr *h = &s->msgs[i].msg_hdr;
      h->msg_namelen = sizeof s->from[i];
      h->msg_controllen = CONTROL;
      h->msg_flags = 0;
    }
    int n = recvmmsg(s->fd, s->msgs, BATCH, MSG_DONTWAIT, NULL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) deliver(s, -errno);
      return;
    }
    double now = clock_ns(CLOCK_MONOTONIC);
    double offset = clock_ns(CLOCK_REALTIME) - now;
    for (int i = 0; i < n; i++) describe(s, i, offset, now);
    deliver(s, n);
    if (n < BATCH) return;
  }
}

static int set_filter(int fd, int family) {
  if (family == 4) {
    struct icmp_filter f = {~((1U << ICMP_ECHOREPLY) | (1U << ICMP_DEST_UNREACH) | (1U << ICMP_TIME_EXCEEDED))};
    return setsockopt(fd, SOL_RAW, ICMP_FILTER, &f, sizeof f);
  }
  struct icmp6_filter f;
  ICMP6_FILTER_SETBLOCKALL(&f);
  ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
  ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
  ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
  return setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f, sizeof f);
}

static int open_fd(int family, int rcvbuf) {
  int fd = family == 4 ? socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP)
                       : socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (fd < 0) return -errno;
  int on = 1;
  if (set_filter(fd, family) < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0 ||
      (family == 6 && setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on) < 0)) {
    int err = errno;
    close(fd);
    return -err;
  }
  /* Bursts of answers must not overflow it; FORCE passes the rmem_max cap when privileged. */
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  return fd;
}

static void *typed_data(napi_env env, napi_value v, size_t min_bytes) {
  void *data = NULL;
  size_t len = 0;
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (is_typed) {
    napi_typedarray_type type;
    size_t count, offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, v, &type, &count, &data, &ab, &offset) != napi_ok) return NULL;
    len = count * (type == napi_float64_array ? 8 : type == napi_int32_array ? 4 : 1);
  }
  return is_typed && len >= min_bytes ? data : NULL;
}

/* open(family, rcvbufBytes, arena, lengths, stamps, hops, sources, onBatch) -> handle */
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int32_t family = 0, rcvbuf = 0;
  CHECK(napi_get_value_int32(env, argv[0], &family));
  CHECK(napi_get_value_int32(env, argv[1], &rcvbuf));
  unsigned char *arena = typed_data(env, argv[2], BATCH * SLOT);
  int32_t *lengths = typed_data(env, argv[3], BATCH * 4);
  double *stamps = typed_data(env, argv[4], BATCH * 8);
  int32_t *hops = typed_data(env, argv[5], BATCH * 4);
  unsigned char *sources = typed_data(env, argv[6], BATCH * 16);
  if ((family != 4 && family != 6) || !arena || !lengths || !stamps || !hops || !sources) {
    napi_throw_type_error(env, "EINVAL", "open(family, rcvbuf, arena, lengths, stamps, hops, sources, onBatch)");
    return NULL;
  }
  int fd = open_fd(family, rcvbuf);
  if (fd < 0) return throw_errno(env, -fd);
  icmp_socket *s = calloc(1, sizeof *s);
  s->env = env;
  s->fd = fd;
  s->family = family;
  s->arena = arena;
  s->lengths = lengths;
  s->stamps = stamps;
  s->hops = hops;
  s->sources = sources;
  for (int i = 0; i < BATCH; i++) {
    s->iov[i].iov_base = arena + i * SLOT;
    s->iov[i].iov_len = SLOT;
    struct msghdr *h = &s->msgs[i].msg_hdr;
    h->msg_name = &s->from[i];
    h->msg_iov = &s->iov[i];
    h->msg_iovlen = 1;
    h->msg_control = s->control[i];
  }
  for (int i = 0; i < 5; i++) napi_create_reference(env, argv[2 + i], 1, &s->arrays[i]);
  napi_create_reference(env, argv[7], 1, &s->callback);
  napi_value name;
  napi_create_string_utf8(env, "flowlens_icmp", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, NULL, name, &s->async);
  uv_loop_t *loop;
  napi_get_uv_event_loop(env, &loop);
  s->poll = malloc(sizeof *s->poll);
  uv_poll_init(loop, s->poll, fd);
  s->poll->data = s;
  uv_poll_start(s->poll, UV_READABLE, on_readable);
  napi_value handle;
  CHECK(napi_create_external(env, s, finalize, NULL, &handle));
  return handle;
}

/* A socket still open when its handle is collected (at exit) is left to the process's end. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  icmp_socket *s = data;
  if (s->closed) free(s);
}

static icmp_socket *handle_of(napi_env env, napi_value v) {
  void *s = NULL;
  napi_get_value_external(env, v, &s);
  return s;
}

/* send(handle, buf, len, address, ttl) -> send time (ns, CLOCK_MONOTONIC) or -errno */
static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  icmp_socket *s = handle_of(env, argv[0]);
  void *data;
  size_t size;
  int32_t len, ttl;
  char addr[64];
  size_t addr_len;
  CHECK(napi_get_buffer_info(env, argv[1], &data, &size));
  CHECK(napi_get_value_int32(env, argv[2], &len));
  CHECK(napi_get_value_string_utf8(env, argv[3], addr, sizeof addr, &addr_len));
  CHECK(napi_get_value_int32(env, argv[4], &ttl));
  double result = -EBADF;
  struct sockaddr_storage to;
  if (s == NULL || s->closed) goto done;
  result = -EINVAL;
  if (len < 0 || (size_t)len > size) goto done;
  if (s->family == 4 ? uv_ip4_addr(addr, 0, (struct sockaddr_in *)&to) : uv_ip6_addr(addr, 0, (struct sockaddr_in6 *)&to))
    goto done;
  if (ttl != s->ttl) {
    int value = ttl == 0 ? -1 : ttl; /* -1: the route's / system default */
    int rc = s->family == 4 ? setsockopt(s->fd, IPPROTO_IP, IP_TTL, &value, sizeof value)
                            : setsockopt(s->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &value, sizeof value);
    if (rc < 0) {
      result = -errno;
      goto done;
    }
    s->ttl = ttl;
  }
  /* Read right before sendto, as ping and fping do: a measured RTT is never shorter than the
   * real one. */
  result = clock_ns(CLOCK_MONOTONIC);
  socklen_t to_len = s->family == 4 ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
  if (sendto(s->fd, data, (size_t)len, 0, (struct sockaddr *)&to, to_len) < 0) result = -errno;
done:;
  napi_value out;
  CHECK(napi_create_double(env, result, &out));
  return out;
}

/* close(handle): stops reading and closes the socket; later sends return -EBADF. */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  icmp_socket *s = handle_of(env, argv[0]);
  if (s != NULL && !s->closed) {
    stop(s);
    napi_delete_reference(env, s->callback);
    for (int i = 0; i < 5; i++) napi_delete_reference(env, s->arrays[i]);
    napi_async_destroy(env, s->async);
  }
  return NULL;
}

/* The batch geometry the JS side must allocate. */
static napi_value js_geometry(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value out, batch, slot;
  CHECK(napi_create_object(env, &out));
  CHECK(napi_create_int32(env, BATCH, &batch));
  CHECK(napi_create_int32(env, SLOT, &slot));
  CHECK(napi_set_named_property(env, out, "batch", batch));
  CHECK(napi_set_named_property(env, out, "slot", slot));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
      {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
      {"geometry", NULL, js_geometry, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
