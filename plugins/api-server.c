/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The api workload's latency server on 127.0.0.1: it reads a request,
 * waits the latency the request names, and answers.
 *
 * It must not be what is measured, so it is built like a fast server: one
 * epoll loop, the waiting connections in a binary heap of deadlines under a
 * timerfd (no per-connection timer, no scan of every connection per wake),
 * accepts taken in batches until the backlog is empty, a backlog as deep as
 * the kernel allows.  It runs in a process of its own by default, so that
 * neither its descriptors nor its CPU are the client's; or on a thread of
 * the process that created it.  Either way the clients need only its port,
 * from any thread or forked child. */
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* accept4 */
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "api-wire.h"
#include "timer-heap.h"

#define MAX_EVENTS 512
/* How long the listener rests when it cannot take a connection at all. */
#define ACCEPT_RETRY_NS G_GINT64_CONSTANT (10000000)

typedef enum {
  CONN_READING,
  CONN_WAITING,
  CONN_WRITING,
} ConnStage;

/* One accepted connection. */
typedef struct {
  int fd;
  ConnStage stage;
  gboolean keep_alive; /* the request being answered asked for it */
  gboolean gone;       /* closed while waiting: freed when its timer pops */
  guint32 done;        /* bytes of buf read or written */
  guint8 buf[MESSAGE_SIZE];
} Conn;

struct ApiTcpServer {
  guint64 record_key;
  int listen_fd;
  int spare_fd; /* given up to refuse a connection cleanly on EMFILE */
  int epfd, tfd;
  int stop_fd;  /* eventfd: the thread's signal to stop */
  gint64 armed; /* the timerfd's deadline, or 0 */
  gint64 accept_resume; /* listener resting until then, or 0 */
  guint16 port;
  TimerHeap heap;   /* Conn* waiting, by deadline */
  GHashTable *conns; /* every Conn, to free what is left at the end */
  /* Closed in this batch of events: a later event of the same batch may
   * still name them, so they are freed once the batch is over. */
  GPtrArray *closed;
  GThread *thread;
  pid_t pid;     /* the server process, or 0 */
  pid_t creator; /* the process that may stop it */
};

/* Markers in epoll_event.data.ptr for the server's own descriptors. */
static char listen_tag, timer_tag, stop_tag;

static void
close_fd (int *fd)
{
  if (*fd >= 0)
    close (*fd);
  *fd = -1;
}

static void
watch (ApiTcpServer *server, int how, int fd, guint32 events, gpointer ptr)
{
  struct epoll_event ev = { .events = events, .data.ptr = ptr };

  epoll_ctl (server->epfd, how, fd, &ev);
}

static void
arm_timer (ApiTcpServer *server, gint64 deadline)
{
  struct itimerspec when = { { 0, 0 }, { 0, 0 } };

  if (deadline == server->armed)
    return;
  server->armed = deadline;
  when.it_value.tv_sec = deadline / 1000000000;
  when.it_value.tv_nsec = MAX (deadline % 1000000000, 1);
  timerfd_settime (server->tfd, TFD_TIMER_ABSTIME, &when, NULL);
}

static void
rearm (ApiTcpServer *server)
{
  const TimerEntry *top = timer_heap_peek (&server->heap);
  gint64 next = top ? top->deadline : 0;

  if (server->accept_resume != 0
      && (next == 0 || server->accept_resume < next))
    next = server->accept_resume;
  if (next != 0)
    arm_timer (server, next);
}

/* On a thread, taken out of the epoll set first: a forked child of the
 * process (a client) may hold a copy of the socket, and then close() alone
 * would leave it registered, its events naming a freed connection.  A
 * server process forks nothing, and saves the call. */
static void
conn_close (ApiTcpServer *server, Conn *conn)
{
  if (server->thread != NULL)
    epoll_ctl (server->epfd, EPOLL_CTL_DEL, conn->fd, NULL);
  close_fd (&conn->fd);
  if (conn->stage == CONN_WAITING)
    {
      conn->gone = TRUE; /* the heap still points at it */
      return;
    }
  g_ptr_array_add (server->closed, conn);
}

static void
free_closed (ApiTcpServer *server)
{
  for (guint i = 0; i < server->closed->len; i++)
    g_hash_table_remove (server->conns, server->closed->pdata[i]);
  g_ptr_array_set_size (server->closed, 0);
}

/* The whole request is in: answer once its latency has passed. */
static void
conn_wait (ApiTcpServer *server, Conn *conn)
{
  guint32 method = get32 (conn->buf + 4);
  guint32 id = get32 (conn->buf + 8);
  guint64 latency_us = MIN (get64 (conn->buf + 16),
                            (guint64) G_MAXINT64 / 4000);
  gint64 deadline = timer_now_ns () + (gint64) latency_us * 1000;

  conn->keep_alive = (get32 (conn->buf + 12) & FLAG_KEEP_ALIVE) != 0;
  encode_response (method, id, 0, server->record_key, conn->buf);
  conn->done = 0;
  conn->stage = CONN_WAITING;
  timer_heap_push (&server->heap, deadline, conn);
  if (server->armed == 0 || deadline < server->armed)
    arm_timer (server, deadline);
}

static void
conn_read (ApiTcpServer *server, Conn *conn)
{
  while (conn->done < MESSAGE_SIZE)
    {
      gssize n = recv (conn->fd, conn->buf + conn->done,
                       MESSAGE_SIZE - conn->done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n <= 0 || conn->stage != CONN_READING)
        {
          /* Gone, or talking out of turn: either way the end. */
          conn_close (server, conn);
          return;
        }
      conn->done += (guint32) n;
    }
  if (get32 (conn->buf) != REQUEST_MAGIC)
    conn_close (server, conn);
  else
    conn_wait (server, conn);
}

/* Sends what is left of the answer; then reads again or closes. */
static void
conn_write (ApiTcpServer *server, Conn *conn)
{
  gboolean was_writing = conn->stage == CONN_WRITING;

  conn->stage = CONN_WRITING;
  while (conn->done < MESSAGE_SIZE)
    {
      gssize n = send (conn->fd, conn->buf + conn->done,
                       MESSAGE_SIZE - conn->done, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          watch (server, EPOLL_CTL_MOD, conn->fd, EPOLLOUT, conn);
          return;
        }
      if (n < 0)
        {
          conn_close (server, conn);
          return;
        }
      conn->done += (guint32) n;
    }
  if (!conn->keep_alive)
    {
      conn_close (server, conn); /* HTTP/1.0: the server closes */
      return;
    }
  conn->stage = CONN_READING;
  conn->done = 0;
  if (was_writing)
    watch (server, EPOLL_CTL_MOD, conn->fd, EPOLLIN, conn);
}

static void
timers_expired (ApiTcpServer *server)
{
  guint64 expirations;
  const TimerEntry *top;
  gint64 now = timer_now_ns ();

  if (read (server->tfd, &expirations, sizeof expirations) < 0)
    {
      /* EAGAIN: woken for nothing; the heap says what is due */
    }
  server->armed = 0;
  while ((top = timer_heap_peek (&server->heap)) && top->deadline <= now)
    {
      Conn *conn = timer_heap_pop (&server->heap);
      if (conn->gone)
        g_ptr_array_add (server->closed, conn);
      else
        conn_write (server, conn);
    }
  if (server->accept_resume != 0 && server->accept_resume <= now)
    {
      server->accept_resume = 0;
      watch (server, EPOLL_CTL_MOD, server->listen_fd, EPOLLIN, &listen_tag);
    }
  rearm (server);
}

/* Out of descriptors: give up the spare one to take the connection and
 * tell the client why it cannot be served, rather than leave it waiting
 * for an accept that cannot happen.  FALSE when even that failed. */
static gboolean
refuse_connection (ApiTcpServer *server, int why)
{
  Message msg;
  int fd;

  close_fd (&server->spare_fd);
  fd = accept4 (server->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (fd >= 0)
    {
      encode_response (0, 0, (guint32) why, 0, msg);
      /* A fresh socket's buffer takes 24 bytes at once. */
      if (send (fd, msg, sizeof msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        {
          /* the client has gone; nothing to tell */
        }
      close (fd);
    }
  server->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0;
}

static void
serve (ApiTcpServer *server, int fd)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->fd = fd;
  conn->stage = CONN_READING;
  g_hash_table_add (server->conns, conn);
  watch (server, EPOLL_CTL_ADD, fd, EPOLLIN, conn);
  /* The request has usually arrived with the connection. */
  conn_read (server, conn);
}

/* Takes every connection the backlog holds. */
static void
accept_batch (ApiTcpServer *server)
{
  for (;;)
    {
      int fd = accept4 (server->listen_fd, NULL, NULL,
                        SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd >= 0)
        {
          serve (server, fd);
          continue;
        }
      if (errno == EINTR || errno == ECONNABORTED)
        continue;
      if ((errno == EMFILE || errno == ENFILE)
          && refuse_connection (server, errno))
        continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        {
          /* Cannot even refuse (or a transient failure): rest a little
           * instead of spinning on a listening socket that stays readable. */
          watch (server, EPOLL_CTL_MOD, server->listen_fd, 0, &listen_tag);
          server->accept_resume = timer_now_ns () + ACCEPT_RETRY_NS;
          rearm (server);
        }
      return;
    }
}

static void
dispatch (ApiTcpServer *server, const struct epoll_event *ev)
{
  Conn *conn = ev->data.ptr;

  if (ev->data.ptr == &listen_tag)
    accept_batch (server);
  else if (ev->data.ptr == &timer_tag)
    timers_expired (server);
  else if (conn->fd < 0)
    return; /* closed earlier in this batch */
  else if (conn->stage == CONN_WRITING)
    conn_write (server, conn);
  else
    conn_read (server, conn);
}

static void
serve_forever (ApiTcpServer *server)
{
  struct epoll_event events[MAX_EVENTS];

  for (;;)
    {
      int n = epoll_wait (server->epfd, events, MAX_EVENTS, -1);
      for (int i = 0; i < n; i++)
        {
          if (events[i].data.ptr == &stop_tag)
            return;
          dispatch (server, &events[i]);
        }
      free_closed (server);
    }
}

static gpointer
server_thread (gpointer data)
{
  serve_forever (data);
  return NULL;
}

static void
free_conn (gpointer data)
{
  Conn *conn = data;

  close_fd (&conn->fd);
  g_free (conn);
}

static gboolean
listen_loopback (ApiTcpServer *server, GError **error)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int one = 1;

  server->listen_fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK
                              | SOCK_CLOEXEC, 0);
  if (server->listen_fd < 0)
    goto failed;
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  addr.sin_port = 0;
  /* Accepted sockets inherit TCP_NODELAY: one call, not one each.  The
   * kernel caps the backlog at net.core.somaxconn. */
  setsockopt (server->listen_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (bind (server->listen_fd, (struct sockaddr *) &addr, sizeof addr) < 0
      || listen (server->listen_fd, G_MAXINT) < 0
      || getsockname (server->listen_fd, (struct sockaddr *) &addr, &len) < 0)
    goto failed;
  server->port = ntohs (addr.sin_port);
  return TRUE;

failed:
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "cannot listen on 127.0.0.1: %s", g_strerror (errno));
  return FALSE;
}

static gboolean
server_setup (ApiTcpServer *server, GError **error)
{
  if (!listen_loopback (server, error))
    return FALSE;
  server->spare_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  server->epfd = epoll_create1 (EPOLL_CLOEXEC);
  server->tfd = timerfd_create (CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  server->stop_fd = eventfd (0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (server->epfd < 0 || server->tfd < 0 || server->stop_fd < 0)
    {
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot set up the latency server's loop: %s",
                   g_strerror (errno));
      return FALSE;
    }
  watch (server, EPOLL_CTL_ADD, server->listen_fd, EPOLLIN, &listen_tag);
  watch (server, EPOLL_CTL_ADD, server->tfd, EPOLLIN, &timer_tag);
  watch (server, EPOLL_CTL_ADD, server->stop_fd, EPOLLIN, &stop_tag);
  return TRUE;
}

/* Closes descriptors from first up to, not including, end. */
static void
close_between (int first, int end)
{
  if (first >= end)
    return;
#ifdef HAVE_CLOSE_RANGE
  if (close_range ((unsigned) first, (unsigned) end - 1, 0) == 0)
    return;
#endif
  for (int fd = first; fd < end; fd++)
    close (fd);
}

static int
compare_ints (gconstpointer a, gconstpointer b)
{
  return *(const int *) a - *(const int *) b;
}

/* The child keeps its own descriptors and stdio: a pipe or socket of the
 * parent's held open here would outlive the parent's own close. */
static void
keep_only_own_fds (const ApiTcpServer *server)
{
  int keep[] = { server->listen_fd, server->spare_fd, server->epfd,
                 server->tfd, server->stop_fd };
  long open_max = sysconf (_SC_OPEN_MAX);
  int from = 3;

  qsort (keep, G_N_ELEMENTS (keep), sizeof keep[0], compare_ints);
  for (guint i = 0; i < G_N_ELEMENTS (keep); i++)
    {
      if (keep[i] < from)
        continue;
      close_between (from, keep[i]);
      from = keep[i] + 1;
    }
#ifdef HAVE_CLOSE_RANGE
  if (close_range ((unsigned) from, ~0u, 0) == 0)
    return;
#endif
  close_between (from, open_max > 0 ? (int) MIN (open_max, G_MAXINT) : 1024);
}

/* The child serves until it is killed, or until its parent dies. */
static G_GNUC_NORETURN void
server_process (ApiTcpServer *server)
{
  struct rlimit lim;

  keep_only_own_fds (server);
  /* A server takes what the hard limit allows, as real ones do. */
  if (getrlimit (RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max)
    {
      lim.rlim_cur = lim.rlim_max;
      setrlimit (RLIMIT_NOFILE, &lim);
    }
#if defined(__linux__) && defined(PR_SET_PDEATHSIG)
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != server->creator)
    _exit (0);
#endif
  signal (SIGPIPE, SIG_IGN);
  serve_forever (server);
  _exit (0);
}

/* The connections the clients' process holds are its own: the server's
 * listening socket stays with the server. */
static gboolean
start_process (ApiTcpServer *server, GError **error)
{
  server->pid = fork ();
  if (server->pid < 0)
    {
      server->pid = 0;
      g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
                   "cannot fork the latency server: %s", g_strerror (errno));
      return FALSE;
    }
  if (server->pid == 0)
    server_process (server);
  close_fd (&server->epfd);
  close_fd (&server->tfd);
  close_fd (&server->spare_fd);
  close_fd (&server->listen_fd);
  return TRUE;
}

static gboolean
start_thread (ApiTcpServer *server, GError **error)
{
  GError *thread_error = NULL;

  server->thread = g_thread_try_new ("api-server", server_thread, server,
                                     &thread_error);
  if (server->thread != NULL)
    return TRUE;
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_RESOURCE,
               "cannot start the latency server thread: %s",
               thread_error->message);
  g_error_free (thread_error);
  return FALSE;
}

ApiTcpServer *
api_tcp_server_new (guint64 record_key, gboolean own_process, GError **error)
{
  ApiTcpServer *server = g_new0 (ApiTcpServer, 1);

  server->record_key = record_key;
  server->listen_fd = server->spare_fd = -1;
  server->epfd = server->tfd = server->stop_fd = -1;
  server->creator = getpid ();
  timer_heap_init (&server->heap);
  server->conns = g_hash_table_new_full (NULL, NULL, free_conn, NULL);
  server->closed = g_ptr_array_new ();
  /* The socket listens already: connections queue until the loop runs. */
  if (!server_setup (server, error)
      || !(own_process ? start_process (server, error)
                       : start_thread (server, error)))
    {
      api_tcp_server_free (server);
      return NULL;
    }
  return server;
}

guint16
api_tcp_server_port (const ApiTcpServer *server)
{
  return server->port;
}

static void
stop (ApiTcpServer *server)
{
  guint64 one = 1;

  if (server->thread != NULL)
    {
      if (write (server->stop_fd, &one, sizeof one) < 0)
        {
          /* cannot fail on a fresh eventfd */
        }
      g_thread_join (server->thread);
    }
  /* Only the creator may stop a server process; a forked client leaves it
   * to its parent. */
  if (server->pid > 0 && getpid () == server->creator)
    {
      kill (server->pid, SIGKILL);
      while (waitpid (server->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    }
}

void
api_tcp_server_free (ApiTcpServer *server)
{
  if (server == NULL)
    return;
  stop (server);
  /* Connections still open are dropped. */
  g_hash_table_unref (server->conns);
  g_ptr_array_unref (server->closed);
  timer_heap_clear (&server->heap);
  close_fd (&server->listen_fd);
  close_fd (&server->spare_fd);
  close_fd (&server->epfd);
  close_fd (&server->tfd);
  close_fd (&server->stop_fd);
  g_free (server);
}
