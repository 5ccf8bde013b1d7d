/*
 * gen_history: write a deterministic `git fast-import` stream describing a
 * repository shaped like a real project, for the commit-walk benchmark
 * (tests/bench/b_walk.sh).  Plain C11, no dependencies:
 *
 *     cc -O2 -o gen_history gen_history.c
 *     gen_history [-n COMMITS] [-f FILES] [-s SEED] | git fast-import --quiet
 *
 * The history (exactly COMMITS commits, default 50000, all reachable from
 * refs/heads/main):
 *   - about a quarter of the commits are merges: a side branch of 1-3
 *     commits forks from main, main goes on meanwhile (0-2 commits), and
 *     the side branch is merged back with two parents.  The two lines of
 *     work never touch the same file, so every merge is clean and its tree
 *     is main's plus the side branch's changes;
 *   - every other commit changes 1-5 files: mostly modifications, some
 *     additions, deletions, renames (as a delete and an add, sometimes with
 *     the content changed too) and, occasionally, a move to another
 *     directory;
 *   - files live in nested directories (depth 1-6: src/<module>/<sub>/...,
 *     docs/, tests/, a few at the top level), grow from 40% of FILES
 *     (default 5000; more for short histories) in the first commit to
 *     about FILES at the tip, and
 *     include non-ASCII UTF-8 paths ("docs/Märchen.txt",
 *     "src/日本/データ.c"), a path with a space, a few paths under
 *     src/crypto/, executable scripts, one symbolic link (mode 120000) and
 *     one gitlink (mode 160000) that is bumped now and then;
 *   - blobs are a few hundred bytes of generated text;
 *   - author and committer dates increase; every message starts with
 *     "CHG-<number>: ".
 *
 * On stderr, one summary line: commits=... merges=... files=... blobs=...
 * The same seed gives the same stream, byte for byte.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PRNG: splitmix64 to seed, xorshift64* to run ---- */

static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	rng_state = (z ^ (z >> 31)) | 1;
}

static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n). */
static size_t rnd(size_t n)
{
	return n ? (size_t)((rng_next() >> 11) % n) : 0;
}

/* ---- small helpers ---- */

static void die(const char *msg)
{
	fprintf(stderr, "gen_history: %s\n", msg);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xrealloc(NULL, n);

	memcpy(p, s, n);
	return p;
}

#define GROW(ptr, nr, alloc)                                                   \
	do {                                                                   \
		if ((nr) >= (alloc)) {                                         \
			(alloc) = (alloc) ? 2 * (alloc) : 64;                  \
			(ptr) = xrealloc((ptr), (alloc) * sizeof(*(ptr)));     \
		}                                                              \
	} while (0)

/* A set of every path ever used (files and directories), so that no path
 * is reused and no file name collides with a directory. */
static char **set_slot;
static size_t set_size, set_used;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return h;
}

static int set_has(const char *s)
{
	size_t i;

	if (!set_size)
		return 0;
	for (i = hash_str(s) & (set_size - 1); set_slot[i];
	     i = (i + 1) & (set_size - 1))
		if (!strcmp(set_slot[i], s))
			return 1;
	return 0;
}

static void set_add(const char *s)
{
	size_t i;

	if (2 * (set_used + 1) > set_size) {
		char **old = set_slot;
		size_t oldn = set_size, j;

		set_size = set_size ? 2 * set_size : 1024;
		set_slot = xrealloc(NULL, set_size * sizeof(*set_slot));
		memset(set_slot, 0, set_size * sizeof(*set_slot));
		for (j = 0; j < oldn; j++) {
			if (!old[j])
				continue;
			for (i = hash_str(old[j]) & (set_size - 1); set_slot[i];
			     i = (i + 1) & (set_size - 1))
				;
			set_slot[i] = old[j];
		}
		free(old);
	}
	for (i = hash_str(s) & (set_size - 1); set_slot[i];
	     i = (i + 1) & (set_size - 1))
		;
	set_slot[i] = xstrdup(s);
	set_used++;
}

/* ---- output ---- */

static unsigned long long next_mark = 1;
static unsigned long long nr_blobs;

static void out(const char *s)
{
	fputs(s, stdout);
}

static void data(const char *p, size_t n)
{
	printf("data %zu\n", n);
	fwrite(p, 1, n, stdout);
	putchar('\n');
}

/* ---- words ---- */

static const char *const words[] = {
	"alloc", "buffer", "cache", "channel", "config", "context", "cursor",
	"decode", "delta", "diff", "encode", "entry", "event", "filter",
	"format", "graph", "handle", "header", "index", "inflate", "journal",
	"label", "ledger", "loader", "lookup", "merge", "object", "option",
	"packet", "parser", "path", "pool", "queue", "record", "refs", "reader",
	"remote", "revision", "scanner", "schema", "session", "signal",
	"socket", "stream", "symbol", "table", "thread", "token", "tree",
	"walker", "writer",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char *const modules[] = {
	"core", "net", "util", "io", "ui", "db", "auth", "http", "fs", "log",
	"sched", "vm", "gc", "json", "cli", "api", "store", "sync", "render",
	"plugin",
};
#define NMODULES (sizeof(modules) / sizeof(modules[0]))

static const char *const verbs[] = {
	"fix", "add", "remove", "rework", "simplify", "document", "rename",
	"speed up", "test", "clean up", "handle errors in", "refactor",
};
#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

static const char *const people[] = {
	"Alice Example <alice@example.com>",
	"Bob Builder <bob@example.org>",
	"Carol Nguyễn <carol@example.net>",
	"José Müller <jose@example.de>",
	"Dmitri Иванов <dmitri@example.ru>",
	"Erin O'Brien <erin@example.ie>",
	"Fatima Zahra <fatima@example.ma>",
	"Gao Yan 高岩 <gao@example.cn>",
};
#define NPEOPLE (sizeof(people) / sizeof(people[0]))

static const char *const zones[] = {
	"+0000", "+0100", "+0200", "-0500", "-0800", "+0530", "+0900",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

/* ---- directories ---- */

enum area { A_TOP, A_SRC, A_DOCS, A_TESTS, A_CRYPTO, A_SCRIPTS };

struct dir {
	char *path;		/* "" for the top level, else no trailing '/' */
	int depth;
	enum area area;
};

static struct dir *dirs;
static size_t nr_dirs, alloc_dirs;
/* Directories new files and moves go to: not the top level, not crypto. */
static size_t *pool;
static size_t nr_pool, alloc_pool;

static size_t add_dir(const char *path, int depth, enum area area, int in_pool)
{
	GROW(dirs, nr_dirs, alloc_dirs);
	dirs[nr_dirs].path = xstrdup(path);
	dirs[nr_dirs].depth = depth;
	dirs[nr_dirs].area = area;
	if (*path)
		set_add(path);
	if (in_pool) {
		GROW(pool, nr_pool, alloc_pool);
		pool[nr_pool++] = nr_dirs;
	}
	return nr_dirs++;
}

/* A subdirectory of dirs[parent] with a fresh name made of name_base. */
static size_t add_subdir(size_t parent, const char *name_base, int in_pool)
{
	char path[512];
	const char *pp = dirs[parent].path;
	int n = 0;

	for (;;) {
		if (n)
			snprintf(path, sizeof(path), "%s/%s%d", pp, name_base, n);
		else
			snprintf(path, sizeof(path), "%s/%s", pp, name_base);
		if (!set_has(path))
			break;
		n = n ? n + 1 : 2;
	}
	return add_dir(path, dirs[parent].depth + 1, dirs[parent].area, in_pool);
}

static void make_dirs(size_t nfiles)
{
	size_t want = nfiles / 12 + 8, i, src, docs, tests;
	size_t first_src, nsrc;

	add_dir("", 0, A_TOP, 0);
	src = add_dir("src", 1, A_SRC, 0);
	docs = add_dir("docs", 1, A_DOCS, 1);
	tests = add_dir("tests", 1, A_TESTS, 1);
	add_dir("scripts", 1, A_SCRIPTS, 1);

	add_dir("src/crypto", 2, A_CRYPTO, 0);
	add_dir("src/crypto/cipher", 3, A_CRYPTO, 0);
	add_dir("src/crypto/hash", 3, A_CRYPTO, 0);

	first_src = nr_dirs;
	for (i = 0; i < NMODULES; i++)
		add_subdir(src, modules[i], 1);
	nsrc = nr_dirs - first_src;

	for (i = 0; i < NMODULES / 2; i++)
		add_subdir(docs, modules[rnd(NMODULES)], 1);
	for (i = 0; i < NMODULES / 2; i++) {
		size_t t = add_subdir(tests, modules[rnd(NMODULES)], 1);

		if (rnd(3) == 0)
			add_subdir(t, "data", 1);
	}

	/* Grow the tree: mostly under src/, shallower directories more often. */
	while (nr_pool < want) {
		size_t p;

		if (rnd(5) != 0) {
			/* A random existing src directory, or a module. */
			p = rnd(2) ? first_src + rnd(nsrc) : pool[rnd(nr_pool)];
		} else {
			p = pool[rnd(nr_pool)];
		}
		if (dirs[p].depth >= 6 || dirs[p].area == A_CRYPTO)
			continue;
		if (dirs[p].depth >= 4 && rnd(3) != 0)
			continue;
		add_subdir(p, words[rnd(NWORDS)], 1);
	}
	/* Non-ASCII directories: in the pool, but not grown, so that some
	 * (not a tenth of the) paths are non-ASCII. */
	add_dir("src/日本", 2, A_SRC, 1);
	add_dir("src/日本/ユーティリティ", 3, A_SRC, 1);
	add_dir("docs/café", 2, A_DOCS, 1);
}

/* ---- files ---- */

enum kind { K_FILE, K_EXEC, K_LINK, K_GITLINK };

struct file {
	char *path;
	enum kind kind;
	unsigned long long blob; /* mark; for gitlinks, a sha seed */
	unsigned version;
	size_t live_pos;	/* index into live[] while alive */
	unsigned long long stamp; /* last commit that touched it */
	unsigned char alive;
	unsigned char keep;	/* never deleted or renamed */
	unsigned char lock;	/* while a side branch is open, see below */
};

/*
 * While a side branch is open, a file belongs to the line of work that
 * touched it first:
 *   L_SIDE     existed at the fork, changed on the side branch
 *   L_SIDE_NEW added on the side branch
 *   L_MAIN     changed or added on main since the fork
 */
enum { L_NONE, L_SIDE, L_SIDE_NEW, L_MAIN };

static struct file *files;
static size_t nr_files, alloc_files;
static size_t *live;
static size_t nr_live, alloc_live;
static size_t *locked;		/* files whose lock is set */
static size_t nr_locked, alloc_locked;

static const char *ext_for(enum area a)
{
	static const char *const src_ext[] = { ".c", ".c", ".c", ".h", ".h",
					       ".py", ".rs", ".go" };
	static const char *const doc_ext[] = { ".md", ".md", ".txt", ".rst" };
	static const char *const test_ext[] = { ".c", ".sh", ".sh", ".t",
						".json" };

	switch (a) {
	case A_SRC:
	case A_CRYPTO:
		return src_ext[rnd(sizeof(src_ext) / sizeof(src_ext[0]))];
	case A_DOCS:
		return doc_ext[rnd(sizeof(doc_ext) / sizeof(doc_ext[0]))];
	case A_TESTS:
		return test_ext[rnd(sizeof(test_ext) / sizeof(test_ext[0]))];
	case A_SCRIPTS:
		return ".sh";
	case A_TOP:
		break;
	}
	return ".txt";
}

/* A fresh file path in dirs[d]; file names always have a '.', directory
 * names never do, so the two never collide. */
static void new_path(char *path, size_t size, size_t d, const char *ext)
{
	const char *w = words[rnd(NWORDS)];
	const char *dp = dirs[d].path;
	int n = 0;

	for (;;) {
		if (n)
			snprintf(path, size, "%s/%s_%d%s", dp, w, n, ext);
		else
			snprintf(path, size, "%s/%s%s", dp, w, ext);
		if (!set_has(path))
			return;
		n = n ? n + (int)rnd(7) + 1 : 2;
	}
}

static void live_add(size_t f)
{
	GROW(live, nr_live, alloc_live);
	files[f].live_pos = nr_live;
	live[nr_live++] = f;
	files[f].alive = 1;
}

static void live_remove(size_t f)
{
	size_t pos = files[f].live_pos, last = live[nr_live - 1];

	live[pos] = last;
	files[last].live_pos = pos;
	nr_live--;
	files[f].alive = 0;
}

/* Content: a few hundred bytes, different for every (path, version). */
static char content[4096];

static size_t make_content(const struct file *fl)
{
	size_t n = 0, lines = 4 + rnd(10), i;
	const char *p = fl->path;
	const char *dot = strrchr(p, '.');
	int c_like = dot && (!strcmp(dot, ".c") || !strcmp(dot, ".h"));

	n += (size_t)snprintf(content + n, sizeof(content) - n,
			      c_like ? "/* %s, revision %u */\n" :
				       "# %s, revision %u\n",
			      p, fl->version);
	for (i = 0; i < lines && n < sizeof(content) - 200; i++) {
		size_t k, nw = 3 + rnd(6);

		if (c_like) {
			/* One rnd() per statement: the order in which a
			 * call's arguments are evaluated is unspecified,
			 * and the stream must not depend on the compiler. */
			const char *w1 = words[rnd(NWORDS)];
			const char *w2 = words[rnd(NWORDS)];
			unsigned v = (unsigned)rnd(1000);

			n += (size_t)snprintf(content + n, sizeof(content) - n,
					      "static int %s_%s(int x)\n{\n\treturn x + %u;\n}\n",
					      w1, w2, v);
		} else {
			for (k = 0; k < nw; k++)
				n += (size_t)snprintf(content + n, sizeof(content) - n,
						      "%s%s", k ? " " : "",
						      words[rnd(NWORDS)]);
			content[n++] = '\n';
		}
	}
	return n;
}

/* Emits a blob for the file's next version; sets its mark. */
static void new_version(struct file *fl)
{
	size_t n;

	fl->version++;
	if (fl->kind == K_GITLINK) {
		fl->blob = rng_next();
		return;
	}
	n = fl->kind == K_LINK ? 0 : make_content(fl);
	if (fl->kind == K_LINK) {
		/* A link's content is its target; it never changes. */
		n = (size_t)snprintf(content, sizeof(content), "../README.md");
	}
	printf("blob\nmark :%llu\n", next_mark);
	data(content, n);
	fl->blob = next_mark++;
	nr_blobs++;
}

static size_t add_file(const char *path, enum kind kind, int keep)
{
	struct file *fl;

	GROW(files, nr_files, alloc_files);
	fl = &files[nr_files];
	memset(fl, 0, sizeof(*fl));
	fl->path = xstrdup(path);
	fl->kind = kind;
	fl->keep = (unsigned char)keep;
	set_add(path);
	live_add(nr_files);
	new_version(fl);
	return nr_files++;
}

static void file_copy_content(size_t to, size_t from)
{
	files[to].blob = files[from].blob;
	files[to].version = files[from].version;
}

/* ---- commits ---- */

enum op_type { OP_M, OP_D };
struct op {
	enum op_type type;
	size_t file;
};
static struct op *ops;
static size_t nr_ops, alloc_ops;

static void op(enum op_type t, size_t f)
{
	GROW(ops, nr_ops, alloc_ops);
	ops[nr_ops].type = t;
	ops[nr_ops].file = f;
	nr_ops++;
}

static const char *mode_of(enum kind k)
{
	switch (k) {
	case K_EXEC:
		return "100755";
	case K_LINK:
		return "120000";
	case K_GITLINK:
		return "160000";
	case K_FILE:
		break;
	}
	return "100644";
}

static void emit_ops(void)
{
	size_t i;

	for (i = 0; i < nr_ops; i++) {
		const struct file *fl = &files[ops[i].file];

		if (ops[i].type == OP_D) {
			printf("D %s\n", fl->path);
		} else if (fl->kind == K_GITLINK) {
			uint64_t a = fl->blob, b = a * 0x9e3779b97f4a7c15ULL;

			printf("M 160000 %016llx%016llx%08llx %s\n",
			       (unsigned long long)a, (unsigned long long)b,
			       (unsigned long long)(a >> 32), fl->path);
		} else {
			printf("M %s :%llu %s\n", mode_of(fl->kind), fl->blob,
			       fl->path);
		}
	}
}

static unsigned long long now = 1262304000; /* 2010-01-01 */
static unsigned long long commit_no;
static unsigned long long chg = 100;

static void commit_header(const char *ref, const char *subject)
{
	char msg[512];
	const char *who = people[rnd(NPEOPLE)];
	const char *committer = rnd(4) ? who : people[0];
	const char *tz = zones[rnd(NZONES)];
	unsigned long long authored = now;
	int n;

	now += 60 + rnd(3 * 3600);
	chg += 1 + rnd(3);
	n = snprintf(msg, sizeof(msg), "CHG-%llu: %s\n", chg, subject);
	if (rnd(2)) {
		const char *w1 = words[rnd(NWORDS)];
		const char *w2 = words[rnd(NWORDS)];

		n += snprintf(msg + n, sizeof(msg) - (size_t)n,
			      "\nThe %s %s needed this; see the review.\n", w1, w2);
	}
	printf("commit %s\nmark :%llu\n", ref, next_mark);
	printf("author %s %llu %s\n", who, authored, tz);
	printf("committer %s %llu %s\n", committer, now, tz);
	data(msg, (size_t)n);
}

/* Which line of work a commit belongs to. */
enum line { LINE_MAIN, LINE_SIDE };
static int branch_open;

static int may_touch(size_t f, enum line ln)
{
	unsigned char l = files[f].lock;

	if (!branch_open || l == L_NONE)
		return 1;
	return ln == LINE_SIDE ? (l == L_SIDE || l == L_SIDE_NEW) : l == L_MAIN;
}

static void claim(size_t f, enum line ln, int is_new)
{
	if (!branch_open || files[f].lock != L_NONE)
		return;
	files[f].lock = ln == LINE_MAIN ? L_MAIN : is_new ? L_SIDE_NEW : L_SIDE;
	GROW(locked, nr_locked, alloc_locked);
	locked[nr_locked++] = f;
}

/* A random live file this commit may change, or (size_t)-1. */
static size_t pick(enum line ln, int need_removable)
{
	int tries;

	for (tries = 0; tries < 32; tries++) {
		size_t f = live[rnd(nr_live)];

		if (files[f].stamp == commit_no)
			continue;
		if (need_removable && files[f].keep)
			continue;
		if (!may_touch(f, ln))
			continue;
		return f;
	}
	return (size_t)-1;
}

static enum kind kind_for(size_t d)
{
	return dirs[d].area == A_SCRIPTS ||
			       (dirs[d].area == A_TESTS && rnd(4) == 0) ?
		       K_EXEC :
		       K_FILE;
}

static size_t target_files;	/* wanted live files now */

/* One change; returns 0 if nothing suitable was found. */
static int change(enum line ln, char *what, size_t what_size)
{
	char path[512];
	unsigned r = (unsigned)rnd(100);
	size_t f, d, nf;

	if (nr_live < target_files && r >= 80 && r < 92)
		r = 80;		/* grow: deletions become additions */
	if (nr_live > target_files + target_files / 50 && r >= 80 && r < 86)
		r = 0;		/* too many: additions become changes */

	if (r < 80) {		/* modify */
		f = pick(ln, 0);
		if (f == (size_t)-1 || files[f].kind == K_LINK)
			return 0;
		new_version(&files[f]);
		op(OP_M, f);
	} else if (r < 86) {	/* add */
		d = pool[rnd(nr_pool)];
		new_path(path, sizeof(path), d, ext_for(dirs[d].area));
		f = add_file(path, kind_for(d), 0);
		op(OP_M, f);
		claim(f, ln, 1);
	} else if (r < 92) {	/* delete */
		f = pick(ln, 1);
		if (f == (size_t)-1)
			return 0;
		live_remove(f);
		op(OP_D, f);
	} else {		/* rename, or now and then a move */
		const char *slash, *dot;
		size_t dl;

		f = pick(ln, 1);
		if (f == (size_t)-1)
			return 0;
		slash = strrchr(files[f].path, '/');
		dot = strrchr(files[f].path, '.');
		if (r >= 98 || !slash) {
			do
				d = pool[rnd(nr_pool)];
			while (slash && strlen(dirs[d].path) == (size_t)(slash - files[f].path) &&
			       !strncmp(dirs[d].path, files[f].path, (size_t)(slash - files[f].path)));
		} else {
			/* The same directory: find it by its path. */
			dl = (size_t)(slash - files[f].path);
			for (d = 0; d < nr_dirs; d++)
				if (strlen(dirs[d].path) == dl &&
				    !strncmp(dirs[d].path, files[f].path, dl))
					break;
			if (d == nr_dirs)
				return 0;
		}
		new_path(path, sizeof(path), d, dot ? dot : ".txt");
		live_remove(f);
		op(OP_D, f);
		GROW(files, nr_files, alloc_files);
		nf = nr_files++;
		memset(&files[nf], 0, sizeof(files[nf]));
		files[nf].path = xstrdup(path);
		files[nf].kind = files[f].kind;
		set_add(path);
		live_add(nf);
		file_copy_content(nf, f);
		if (rnd(3) == 0)
			new_version(&files[nf]);
		files[nf].stamp = commit_no;
		op(OP_M, nf);
		claim(nf, ln, 1);
		if (!*what)
			snprintf(what, what_size, "move %s", files[f].path);
	}
	files[f].stamp = commit_no;
	claim(f, ln, 0);
	if (!*what) {
		const char *base = strrchr(files[f].path, '/');

		snprintf(what, what_size, "%s %s", verbs[rnd(NVERBS)],
			 base ? base + 1 : files[f].path);
	}
	return 1;
}

static unsigned long long main_tip, side_tip, fork_point;
static unsigned long long total_commits, total_merges;

static void ordinary_commit(enum line ln)
{
	static const unsigned weights[] = { 40, 25, 15, 12, 8 };
	char what[400] = "";
	unsigned r = (unsigned)rnd(100), n = 1, acc = 0, i, tries;

	for (i = 0; i < 5; i++) {
		acc += weights[i];
		if (r < acc) {
			n = i + 1;
			break;
		}
	}
	commit_no++;
	nr_ops = 0;
	for (i = 0, tries = 0; i < n && tries < 20; tries++)
		if (change(ln, what, sizeof(what)))
			i++;
	if (!nr_ops) {
		/* Nothing suitable: a top-level file (the first five files)
		 * this line of work may change. */
		size_t f;

		for (f = 0; f < 4 && !may_touch(f, ln); f++)
			;
		new_version(&files[f]);
		op(OP_M, f);
		claim(f, ln, 0);
		snprintf(what, sizeof(what), "update %s", files[f].path);
	}
	if (ln == LINE_SIDE) {
		commit_header("refs/heads/topic", what);
		if (side_tip == 0)
			printf("from :%llu\n", fork_point);
		side_tip = next_mark++;
	} else {
		commit_header("refs/heads/main", what);
		main_tip = next_mark++;
	}
	emit_ops();
	out("\n");
	total_commits++;
}

static void merge_commit(const char *topic)
{
	char subject[128];
	size_t i;

	commit_no++;
	nr_ops = 0;
	for (i = 0; i < nr_locked; i++) {
		size_t f = locked[i];

		if (files[f].lock == L_MAIN)
			continue;
		if (files[f].alive)
			op(OP_M, f);
		else if (files[f].lock == L_SIDE)
			op(OP_D, f);
	}
	snprintf(subject, sizeof(subject), "merge topic/%s", topic);
	commit_header("refs/heads/main", subject);
	printf("merge :%llu\n", side_tip);
	main_tip = next_mark++;
	emit_ops();
	out("\n");
	for (i = 0; i < nr_locked; i++)
		files[locked[i]].lock = L_NONE;
	nr_locked = 0;
	branch_open = 0;
	total_commits++;
	total_merges++;
}

static void root_commit(size_t initial)
{
	static const char *const top[] = { "README.md", "Makefile", "LICENSE",
					   ".gitignore", "CONTRIBUTING.md" };
	static const char *const special[] = {
		"docs/Märchen.txt", "src/日本/データ.c", "docs/café/résumé.md",
		"docs/release notes.md", "src/crypto/aes.c", "src/crypto/aes.h",
		"src/crypto/cipher/chacha20.c", "src/crypto/cipher/gcm.c",
		"src/crypto/hash/sha256.c", "src/crypto/hash/blake2b.c",
		"src/crypto/README.md",
	};
	char path[512];
	size_t i;

	commit_no++;
	nr_ops = 0;
	for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		op(OP_M, add_file(top[i], K_FILE, 1));
	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		op(OP_M, add_file(special[i], K_FILE, 1));
	op(OP_M, add_file("scripts/bootstrap.sh", K_EXEC, 1));
	op(OP_M, add_file("docs/README.md", K_LINK, 1));	/* -> ../README.md */
	op(OP_M, add_file("vendor/libfoo", K_GITLINK, 1));
	set_add("vendor");
	while (nr_live < initial) {
		size_t d = pool[rnd(nr_pool)];

		new_path(path, sizeof(path), d, ext_for(dirs[d].area));
		op(OP_M, add_file(path, kind_for(d), 0));
	}
	commit_header("refs/heads/main", "import the project");
	main_tip = next_mark++;
	emit_ops();
	out("\n");
	total_commits++;
}

static unsigned long long parse_num(const char *s, const char *opt)
{
	char *end;
	unsigned long long v;

	if (!s)
		die("option needs a value");
	v = strtoull(s, &end, 10);
	if (*s == '-' || *end || end == s) {
		fprintf(stderr, "gen_history: %s: not a number: %s\n", opt, s);
		exit(2);
	}
	return v;
}

static void usage(void)
{
	fputs("usage: gen_history [-n COMMITS] [-f FILES] [-s SEED] > stream\n"
	      "  writes a git fast-import stream (refs/heads/main) to stdout;\n"
	      "  defaults: 50000 commits, 5000 files, seed 1\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static char obuf[1 << 20];
	unsigned long long n = 50000, nfiles = 5000, seed = 1;
	size_t initial;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-n"))
			n = parse_num(argv[++i], a);
		else if (!strcmp(a, "-f"))
			nfiles = parse_num(argv[++i], a);
		else if (!strcmp(a, "-s"))
			seed = parse_num(argv[++i], a);
		else
			usage();
	}
	if (n < 1)
		die("-n: at least 1 commit");
	if (nfiles < 50)
		die("-f: at least 50 files");

	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	rng_seed(seed);
	make_dirs((size_t)nfiles);
	/* Start with 40% of the files, more if the history is too short
	 * to add the rest (about one commit in eight adds a file net). */
	initial = (size_t)(nfiles * 2 / 5);
	if (nfiles > n / 8 && nfiles - n / 8 > initial)
		initial = (size_t)(nfiles - n / 8);
	target_files = initial;
	root_commit(initial);

	while (total_commits < n) {
		unsigned long long left = n - total_commits;

		target_files = initial + (size_t)((nfiles - initial) *
						  total_commits / n);
		if (left >= 3 && total_merges * 4 < total_commits + 1) {
			/* A round: k side commits (1-3) and m main ones (0-2),
			 * shuffled, then the merge: 3.5 commits on average,
			 * so a quarter of merges leaves room for runs of
			 * plain commits on main. */
			unsigned long long k = 1 + rnd(3), j, side_done;
			unsigned long long m = rnd(2) ? rnd(3) : 0;
			char topic[64];
			const char *w1, *w2;

			if (k + 1 > left)
				k = left - 1;
			if (k + m + 1 > left)
				m = left - 1 - k;
			w1 = words[rnd(NWORDS)];
			w2 = words[rnd(NWORDS)];
			snprintf(topic, sizeof(topic), "%s-%s", w1, w2);
			branch_open = 1;
			fork_point = main_tip;
			side_tip = 0;
			for (j = 0, side_done = 0; j < k + m; j++) {
				/* Each remaining slot is a side commit with
				 * the odds of the side commits still due. */
				if (side_done < k &&
				    rnd(k + m - j) < k - side_done) {
					ordinary_commit(LINE_SIDE);
					side_done++;
				} else {
					ordinary_commit(LINE_MAIN);
				}
			}
			merge_commit(topic);
		} else {
			ordinary_commit(LINE_MAIN);
		}
	}
	/* The side branch is merged; leave only main behind. */
	out("reset refs/heads/topic\nfrom 0000000000000000000000000000000000000000\n\n");
	out("done\n");
	if (fflush(stdout) || ferror(stdout))
		die("write error");
	fprintf(stderr, "commits=%llu merges=%llu files=%zu blobs=%llu\n",
		total_commits, total_merges, nr_live, nr_blobs);
	return 0;
}
