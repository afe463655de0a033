/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Workload "files": real file IO (issue 15).  create writes a set of files
 * of seeded pseudo-random bytes; each item reads one file whole, or reads=
 * random blocks of it, and digests the bytes.  cache=warm reads through
 * the page cache (the files were just written, so they are in it);
 * cache=direct opens them with O_DIRECT and reads the device.
 *
 * The items are state machines of CB_OP_READ (ABI 1.2), so every loop runs
 * them: io_uring submits the reads, readiness loops make them blocking (a
 * regular file is always "ready"), libuv hands them to its thread pool.
 * The blocking run drives the same state machine with pread(), so a short
 * read is handled in one place: the rest of the block is asked for again. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1 /* O_DIRECT, O_TMPFILE */
#endif
#ifdef HAVE_CONFIG_H
#include <config.h>
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <concbench/plugin.h>

#ifdef PACKAGE_VERSION
#define PLUGIN_VERSION PACKAGE_VERSION
#else
#define PLUGIN_VERSION "0.1"
#endif

#define FILES_MAX 4096
#define SIZE_MAX_BYTES (G_GUINT64_CONSTANT (1) << 30)
/* The whole set: far above what a benchmark row needs, and below what a
 * typo (files=4096 size=1G) would fill a disk with. */
#define TOTAL_MAX_BYTES (G_GUINT64_CONSTANT (8) << 30)
#define BLOCK_MIN 512
#define BLOCK_MAX (16 * 1024 * 1024)
#define READS_MAX 1000000
#define ITEMS_MAX 1000000
/* O_DIRECT's alignment of buffers, offsets and lengths: the page size,
 * which covers every logical block size Linux devices have. */
#define DIRECT_ALIGN 4096
#define FILL_CHUNK (1024 * 1024)
#define TMPFS_MAGIC_NUMBER 0x01021994
#define DIR_MAX 1024

/* FILES_ERROR refuses the parameters (on this machine: the core makes it a
 * usage error); FILES_FAIL is the system failing while the row runs. */
#define FILES_ERROR(error, ...)                                              \
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_INVALID, "files: "    \
               __VA_ARGS__)
#define FILES_FAIL(error, ...)                                               \
  g_set_error (error, CB_PLUGIN_ERROR, CB_PLUGIN_ERROR_FAILED, "files: "     \
               __VA_ARGS__)

typedef enum {
  CACHE_WARM,
  CACHE_DIRECT,
} CacheMode;

typedef struct {
  guint n_files;
  guint64 size;
  guint n_items;
  guint reads; /* 0: each item reads its file whole */
  gsize block;
  gboolean direct;
  guint64 seed;
  int *fds; /* one per file, the files' only reference (see open_unnamed) */
} Files;

/* One item in flight: the block being read and what is digested so far. */
typedef struct {
  guint item;
  guint file;
  guint n_blocks; /* reads this item makes, counting each block once */
  guint index;    /* of the block being read */
  gint64 offset;  /* of that block in the file */
  gsize len;      /* of that block */
  gsize got;      /* bytes of it read so far */
  guint64 digest;
  guint8 *buf; /* len bytes, aligned for O_DIRECT */
} FileItem;

static guint64
mix64 (guint64 z)
{
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Word k of file f: a counter-based generator, so any chunk of any file
 * can be made without the ones before it. */
static guint64
content_word (guint64 seed, guint file, guint64 k)
{
  return mix64 (seed ^ mix64 ((guint64) file + 1)
                ^ (k * G_GUINT64_CONSTANT (0x9E3779B97F4A7C15)));
}

/* Block j of item's reads=N blocks, as a block index in the file. */
static guint64
draw_block (const Files *files, guint item, guint j)
{
  guint64 n_blocks = files->size / files->block;
  guint64 r = mix64 (files->seed ^ mix64 (((guint64) item << 32) | j)
                     ^ G_GUINT64_CONSTANT (0xD1B54A32D192ED03));
  return r % n_blocks;
}

static guint64
digest_bytes (guint64 h, const guint8 *p, gsize len)
{
  gsize i = 0;

  for (; i + 8 <= len; i += 8)
    {
      guint64 w;
      memcpy (&w, p + i, 8);
      h = (h ^ w) * G_GUINT64_CONSTANT (0x100000001B3);
      h ^= h >> 29;
    }
  for (; i < len; i++)
    h = (h ^ p[i]) * G_GUINT64_CONSTANT (0x100000001B3);
  return h;
}

/* ---- the files: created unnamed, so no crash can leave one behind ---- */

static void
close_fds (int *fds, guint n)
{
  for (guint i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

/* A file in dir that has no name: O_TMPFILE, or where the filesystem lacks
 * it, a named file unlinked at once.  The worker may be killed at any time
 * (SIGKILL on --timeout, a crashing strategy), and then no destroy runs;
 * a file that only an open descriptor refers to is freed by the kernel
 * when the process dies, whatever killed it.  The directory is removed
 * as soon as the files are open, before the long part (writing them). */
static int
open_unnamed (const char *dir, guint i, int flags)
{
  int fd = open (dir, O_TMPFILE | O_RDWR | O_CLOEXEC | flags, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR))
    return fd;
  g_autofree char *name = g_strdup_printf ("%s/%u", dir, i);
  fd = open (name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC | flags, 0600);
  if (fd >= 0)
    unlink (name);
  return fd;
}

static gboolean
open_files (Files *files, const char *dir, GError **error)
{
  int flags = files->direct ? O_DIRECT : 0;

  for (guint i = 0; i < files->n_files; i++)
    {
      files->fds[i] = open_unnamed (dir, i, flags);
      if (files->fds[i] >= 0)
        continue;
      int saved = errno;
      if (files->direct && saved == EINVAL)
        FILES_ERROR (error, "cache=direct: the filesystem of %s refuses "
                     "O_DIRECT (tmpfs?)", dir);
      else
        FILES_FAIL (error, "cannot create file %u in %s: %s", i, dir,
                     g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int fd, const guint8 *buf, gsize len, gint64 offset)
{
  while (len > 0)
    {
      ssize_t n = pwrite (fd, buf, len, offset);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      buf += n;
      len -= (gsize) n;
      offset += n;
    }
  return TRUE;
}

/* Writes file's bytes, chunk by chunk through buf (FILL_CHUNK bytes,
 * aligned, so O_DIRECT writes it too).  No fsync for cache=warm: the dirty
 * pages are what the reads find, and the files are gone with the worker,
 * usually before the kernel's writeback would start (30 s by default). */
static gboolean
fill_file (const Files *files, guint file, guint8 *buf, GError **error)
{
  for (guint64 off = 0; off < files->size; off += FILL_CHUNK)
    {
      gsize len = (gsize) MIN ((guint64) FILL_CHUNK, files->size - off);
      for (gsize i = 0; i < len; i += 8)
        {
          guint64 w = content_word (files->seed, file, (off + i) / 8);
          memcpy (buf + i, &w, MIN ((gsize) 8, len - i));
        }
      if (!write_all (files->fds[file], buf, len, (gint64) off))
        {
          FILES_FAIL (error, "cannot write file %u (%" G_GUINT64_FORMAT
                       " bytes): %s", file, files->size, g_strerror (errno));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
fill_files (const Files *files, GError **error)
{
  void *buf = NULL;

  if (posix_memalign (&buf, DIRECT_ALIGN, FILL_CHUNK) != 0)
    {
      FILES_FAIL (error, "cannot allocate a %d-byte buffer", FILL_CHUNK);
      return FALSE;
    }
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < files->n_files; i++)
    ok = fill_file (files, i, buf, error);
  free (buf);
  return ok;
}

/* ---- parameters, checked together ---- */

/* Where the private directory goes: dir=, else $TMPDIR, else /var/tmp,
 * which the FHS keeps on disk where /tmp is often tmpfs (memory). */
static const char *
base_dir (const CbParams *params)
{
  const char *dir = cb_params_get_string (params, "dir");
  if (dir != NULL && *dir != '\0')
    return dir;
  dir = g_getenv ("TMPDIR");
  return dir != NULL && *dir != '\0' ? dir : "/var/tmp";
}

static gboolean
check_shape (const Files *f, GError **error)
{
  guint64 total = f->n_files * f->size;

  if (total > TOTAL_MAX_BYTES)
    {
      FILES_ERROR (error, "files=%u x size=%" G_GUINT64_FORMAT " is %"
                   G_GUINT64_FORMAT " bytes, above the cap of %"
                   G_GUINT64_FORMAT, f->n_files, f->size, total,
                   TOTAL_MAX_BYTES);
      return FALSE;
    }
  if (f->reads > 0 && f->block > f->size)
    {
      FILES_ERROR (error, "reads=%u needs block=%" G_GSIZE_FORMAT
                   " to fit in size=%" G_GUINT64_FORMAT, f->reads, f->block,
                   f->size);
      return FALSE;
    }
  if (f->direct && (f->block % DIRECT_ALIGN != 0
                    || f->size % DIRECT_ALIGN != 0))
    {
      FILES_ERROR (error, "cache=direct needs block and size multiples of %d,"
                   " not block=%" G_GSIZE_FORMAT " size=%" G_GUINT64_FORMAT,
                   DIRECT_ALIGN, f->block, f->size);
      return FALSE;
    }
  return TRUE;
}

/* The set must fit the free space of base's filesystem; direct IO on tmpfs
 * is refused even where the kernel accepts it, since it still reads
 * memory and a row would be labelled with IO it did not do. */
static gboolean
check_filesystem (const Files *f, const char *base, GError **error)
{
  struct statvfs vfs;
  struct statfs fs;
  guint64 total = f->n_files * f->size;

  if (!g_path_is_absolute (base) || strlen (base) > DIR_MAX)
    {
      /* A long one is quoted in part: the message must fit the result
       * area's error text. */
      gboolean long_dir = strlen (base) > DIR_MAX;
      FILES_ERROR (error, "dir=%.*s%s is not an absolute path of at most %d "
                   "bytes", long_dir ? 64 : DIR_MAX, base,
                   long_dir ? "..." : "", DIR_MAX);
      return FALSE;
    }
  if (statvfs (base, &vfs) != 0 || statfs (base, &fs) != 0)
    {
      FILES_ERROR (error, "%s: %s", base, g_strerror (errno));
      return FALSE;
    }
  guint64 avail = (guint64) vfs.f_bavail * vfs.f_frsize;
  if (total > avail)
    {
      FILES_ERROR (error, "files=%u x size=%" G_GUINT64_FORMAT " is %"
                   G_GUINT64_FORMAT " bytes; %s has %" G_GUINT64_FORMAT
                   " free", f->n_files, f->size, total, base, avail);
      return FALSE;
    }
  if (f->direct && fs.f_type == TMPFS_MAGIC_NUMBER)
    {
      FILES_ERROR (error, "cache=direct: the filesystem of %s is tmpfs, "
                   "whose O_DIRECT reads memory; choose a disk with dir=",
                   base);
      return FALSE;
    }
  return TRUE;
}

static Files *
files_from_params (const CbParams *params, guint64 seed)
{
  Files *f = g_new0 (Files, 1);
  guint64 items = cb_params_get_uint (params, "items");

  f->n_files = (guint) MIN (cb_params_get_uint (params, "files"), FILES_MAX);
  f->size = cb_params_get_uint (params, "size");
  f->n_items = items == 0 ? f->n_files : (guint) MIN (items, ITEMS_MAX);
  f->reads = (guint) MIN (cb_params_get_uint (params, "reads"), READS_MAX);
  f->block = (gsize) CLAMP (cb_params_get_uint (params, "block"), BLOCK_MIN,
                            BLOCK_MAX);
  f->direct = cb_params_get_enum (params, "cache") == CACHE_DIRECT;
  f->seed = seed;
  f->fds = g_new (int, MAX (f->n_files, 1));
  for (guint i = 0; i < f->n_files; i++)
    f->fds[i] = -1;
  return f;
}

static void
files_destroy (gpointer workload)
{
  Files *f = workload;

  close_fds (f->fds, f->n_files);
  g_free (f->fds);
  g_free (f);
}

/* Makes the private directory, opens the files in it and removes it. */
static gboolean
make_files (Files *f, const char *base, GError **error)
{
  g_autofree char *dir
      = g_build_filename (base, "concbench-files-XXXXXX", NULL);

  if (g_mkdtemp_full (dir, 0700) == NULL)
    {
      FILES_FAIL (error, "cannot create a directory in %s: %s", base,
                   g_strerror (errno));
      return FALSE;
    }
  gboolean ok = open_files (f, dir, error);
  g_rmdir (dir);
  return ok && fill_files (f, error);
}

static gpointer
files_create (const CbParams *params, guint64 seed, GError **error)
{
  Files *f = files_from_params (params, seed);
  const char *base = base_dir (params);

  if (!check_shape (f, error) || !check_filesystem (f, base, error)
      || !make_files (f, base, error))
    {
      files_destroy (f);
      return NULL;
    }
  return f;
}

static guint
files_n_items (gpointer workload)
{
  return ((const Files *) workload)->n_items;
}

static void
files_resources (gpointer workload, CbResources *fixed,
                 CbResources *per_item G_GNUC_UNUSED)
{
  fixed->fds = ((const Files *) workload)->n_files;
}

static guint64
files_item_bytes (gpointer workload, guint item G_GNUC_UNUSED)
{
  const Files *f = workload;
  return f->reads > 0 ? (guint64) f->reads * f->block : f->size;
}

/* ---- an item: its reads as a state machine ---- */

/* Sets up block it->index and asks for it. */
static CbStep
ask_block (const Files *f, FileItem *it, CbOp *op)
{
  if (f->reads > 0)
    {
      it->offset = (gint64) (draw_block (f, it->item, it->index) * f->block);
      it->len = f->block;
    }
  else
    {
      it->offset = (gint64) it->index * (gint64) f->block;
      it->len = (gsize) MIN ((guint64) f->block,
                             f->size - (guint64) it->offset);
    }
  it->got = 0;
  memset (op, 0, sizeof *op);
  op->kind = CB_OP_READ;
  op->fd = f->fds[it->file];
  op->buf = it->buf;
  op->len = it->len;
  op->offset = it->offset;
  return CB_STEP_OP;
}

static CbStep
files_item_start (gpointer workload, guint item, gpointer *state, CbOp *op,
                  guint64 *digest G_GNUC_UNUSED, GError **error)
{
  const Files *f = workload;
  FileItem *it = g_new0 (FileItem, 1);
  void *buf = NULL;

  *state = it;
  if (item >= f->n_items)
    {
      FILES_FAIL (error, "item %u out of range (%u items)", item,
                   f->n_items);
      return CB_STEP_FAILED;
    }
  if (posix_memalign (&buf, DIRECT_ALIGN, f->block) != 0)
    {
      FILES_FAIL (error, "cannot allocate a %" G_GSIZE_FORMAT
                   "-byte block", f->block);
      return CB_STEP_FAILED;
    }
  it->buf = buf;
  it->item = item;
  it->file = item % f->n_files;
  it->n_blocks = f->reads > 0 ? f->reads
                              : (guint) ((f->size + f->block - 1) / f->block);
  it->digest = mix64 (((guint64) item << 32) | it->file);
  return ask_block (f, it, op);
}

/* Asks for the rest of the block after a short read. */
static CbStep
ask_rest (const Files *f, FileItem *it, CbOp *op)
{
  memset (op, 0, sizeof *op);
  op->kind = CB_OP_READ;
  op->fd = f->fds[it->file];
  op->buf = it->buf + it->got;
  op->len = it->len - it->got;
  op->offset = it->offset + (gint64) it->got;
  return CB_STEP_OP;
}

static CbStep
read_failed (const FileItem *it, gint64 result, GError **error)
{
  if (result < 0)
    FILES_FAIL (error, "item %u: reading file %u at %" G_GINT64_FORMAT
                 ": %s", it->item, it->file, it->offset + (gint64) it->got,
                 g_strerror ((int) -result));
  else
    FILES_FAIL (error, "item %u: file %u gave %" G_GINT64_FORMAT
                 " bytes at %" G_GINT64_FORMAT " where %" G_GSIZE_FORMAT
                 " were left", it->item, it->file, result,
                 it->offset + (gint64) it->got, it->len - it->got);
  return CB_STEP_FAILED;
}

static CbStep
files_item_resume (gpointer workload, gpointer state, gint64 result,
                   CbOp *op, guint64 *digest, GError **error)
{
  const Files *f = workload;
  FileItem *it = state;

  if (result == -EINTR || result == -EAGAIN)
    return ask_rest (f, it, op);
  if (result <= 0 || (guint64) result > it->len - it->got)
    return read_failed (it, result, error);
  it->got += (gsize) result;
  if (it->got < it->len)
    return ask_rest (f, it, op);
  it->digest = mix64 (it->digest
                      ^ digest_bytes ((guint64) it->offset, it->buf, it->len));
  if (++it->index < it->n_blocks)
    return ask_block (f, it, op);
  *digest = it->digest;
  return CB_STEP_DONE;
}

static void
files_item_free (gpointer workload G_GNUC_UNUSED, gpointer state)
{
  FileItem *it = state;

  free (it->buf);
  g_free (it);
}

/* The blocking form: the same state machine, its reads made here. */
static gboolean
files_run (gpointer workload, guint item, guint64 *digest, GError **error)
{
  gpointer state = NULL;
  CbOp op;
  CbStep step = files_item_start (workload, item, &state, &op, digest, error);

  while (step == CB_STEP_OP)
    {
      ssize_t n = pread (op.fd, op.buf, op.len, (off_t) op.offset);
      gint64 result = n < 0 ? -(gint64) errno : (gint64) n;
      step = files_item_resume (workload, state, result, &op, digest, error);
    }
  files_item_free (workload, state);
  return step == CB_STEP_DONE;
}

static const char *const cache_choices[] = { "warm", "direct", NULL };

static const CbParamSpec files_params[] = {
  { .name = "files", .help = "files in the set, each held open",
    .default_value = "16", .type = CB_PARAM_UINT, .min = 1,
    .max = FILES_MAX },
  { .name = "size", .help = "bytes per file (files x size at most 8 GiB "
                            "and the free space of the directory)",
    .default_value = "1048576", .type = CB_PARAM_UINT, .min = 1,
    .max = (double) SIZE_MAX_BYTES },
  { .name = "items", .help = "items, item i reading file i % files; "
                             "0: one per file",
    .default_value = "0", .type = CB_PARAM_UINT, .min = 0,
    .max = ITEMS_MAX },
  { .name = "reads", .help = "0: each item reads its file whole; N: N "
                             "blocks at seeded offsets aligned to block",
    .default_value = "0", .type = CB_PARAM_UINT, .min = 0,
    .max = READS_MAX },
  { .name = "block", .help = "bytes per read",
    .default_value = "65536", .type = CB_PARAM_UINT, .min = BLOCK_MIN,
    .max = BLOCK_MAX },
  { .name = "cache", .help = "warm: through the page cache; direct: "
                             "O_DIRECT (block and size multiples of 4096)",
    .default_value = "warm", .type = CB_PARAM_ENUM,
    .choices = cache_choices },
  { .name = "dir", .help = "where the private directory is made; empty: "
                           "$TMPDIR, else /var/tmp",
    .default_value = "", .type = CB_PARAM_STRING },
  { .name = NULL },
};

static const CbWorkloadClass files_class = {
  .name = "files",
  .summary = "file IO: each item reads a file, or random blocks of it",
  .params = files_params,
  .create = files_create,
  .destroy = files_destroy,
  .n_items = files_n_items,
  .run = files_run,
  .item_start = files_item_start,
  .item_resume = files_item_resume,
  .item_free = files_item_free,
  .resources = files_resources,
  .item_bytes = files_item_bytes,
};

static const CbPluginDesc desc = {
  CB_PLUGIN_DESC_HEADER,
  .name = "files",
  .version = PLUGIN_VERSION,
  .license = "GPL-3.0-or-later",
  .description = "File IO workload reading a private set of files",
  .workload = &files_class,
};

CB_PLUGIN_DEFINE (files, desc)
