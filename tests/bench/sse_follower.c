/* One follower of the SSE log benchmark (sse_followers_bench.py): `sse_follower PORT TARGET
 * SECONDS` follows TARGET (a follow=1 log route) on 127.0.0.1:PORT for SECONDS, as
 * `phpeek-pm logs -f` does: after an `event: overflow` it connects again with Last-Event-ID and
 * the API resumes from the lines it keeps. It checks every event as it goes: its id is above the
 * one before, and its line ("n=K" in the message, K counting up in the writer) is the one after
 * the last seen. Lines missing right after a reconnect are the ones the daemon no longer kept
 * (counted apart); any other gap, or a line twice, is an error. Prints one line of counts. C, so
 * that 50 of them on a 2-core machine measure the daemon rather than their own parsing.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double Now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int Connect(int port, const char* target, unsigned long long last_id) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr*)&addr, sizeof addr) != 0) {
    perror("connect");
    exit(1);
  }
  char request[1024], resume[64] = "";
  if (last_id > 0) snprintf(resume, sizeof resume, "Last-Event-ID: %llu\r\n", last_id);
  int n = snprintf(request, sizeof request,
                   "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n%s\r\n",
                   target, resume);
  if (write(fd, request, (size_t)n) != n) exit(1);
  return fd;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: sse_follower PORT TARGET SECONDS\n");
    return 2;
  }
  const double end = Now() + atof(argv[3]);
  static char buf[1 << 20];
  long events = 0, gaps = 0, lost_at_resume = 0, dups = 0, overflows = 0, first = -1, last = -1;
  unsigned long long last_id = 0;
  int ended = 0;
  while (!ended && Now() < end) {
    int fd = Connect(atoi(argv[1]), argv[2], last_id);
    size_t len = 0;
    int head_done = 0, reconnect = 0;
    while (!reconnect) {
      double left = end - Now();
      if (left <= 0) break;
      struct pollfd p = {fd, POLLIN, 0};
      if (poll(&p, 1, (int)(left * 1000) + 1) <= 0) continue;
      ssize_t got = read(fd, buf + len, sizeof buf - len - 1);
      if (got <= 0) {
        ended = 1;
        break;
      }
      len += (size_t)got;
      buf[len] = '\0';
      char* at = buf;
      if (!head_done) {
        char* h = strstr(buf, "\r\n\r\n");
        if (!h) continue;
        if (strncmp(buf, "HTTP/1.1 200", 12) != 0) {
          fprintf(stderr, "%.*s\n", (int)(h - buf), buf);
          return 1;
        }
        head_done = 1;
        at = h + 4;
      }
      for (;;) {  // one block per blank line
        char* block_end = strstr(at, "\n\n");
        if (!block_end) break;
        *block_end = '\0';
        if (strncmp(at, "event: overflow", 15) == 0) {
          ++overflows;
          reconnect = 1;
          break;
        }
        if (strncmp(at, "id: ", 4) == 0) {
          unsigned long long id = strtoull(at + 4, NULL, 10);
          char* k = strstr(at, "\"n=");
          long value = k ? atol(k + 3) : -1;
          if (id <= last_id) ++dups;
          last_id = id;
          if (last >= 0 && value <= last) {
            ++dups;
          } else if (last >= 0 && value != last + 1) {
            if (overflows > 0) {
              lost_at_resume += value - last - 1;
            } else {
              ++gaps;
            }
          }
          if (first < 0) first = value;
          last = value;
          ++events;
        }
        at = block_end + 2;
      }
      if (reconnect) break;
      len = (size_t)(buf + len - at);
      memmove(buf, at, len);
    }
    close(fd);
  }
  printf(
      "events=%ld first=%ld last=%ld gaps=%ld dups=%ld overflows=%ld lost_at_resume=%ld "
      "ended=%d\n",
      events, first, last, gaps, dups, overflows, lost_at_resume, ended);
  return 0;
}
