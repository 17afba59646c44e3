{
  "targets": [
    {
      "target_name": "flowlens_icmp",
      "sources": ["native/icmp_socket.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
