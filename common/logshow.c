/* The release log as a table, JSON lines or CSV, for people and scripts. */
#include "releaselog.h"
#include "logline.h"
#include "error.h"
#include "escape.h"
#include "glob.h"
#include "json.h"
#include "wire.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>


/* ---- showing ---- */

enum {
	C_SEQ, C_TIME, C_EVENT, C_REPO, C_REF, C_IDS, C_PUSHER, C_APPROVALS, C_CERT,
	C_REASON, NCOLS
};

static const char *const col_names[NCOLS] = {
	"SEQ", "TIME", "EVENT", "REPO", "REF", "OLD..NEW", "PUSHER", "APPROVED-BY",
	"SIGNED-PUSH", "REASON"
};

/* Screen columns of S: code points (pg_escape_put leaves only printable ones). */
static size_t width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void put_text(struct pg_buf *b, const char *s)
{
	if (!s)
		pg_buf_putc(b, '-');
	else if (!*s)
		pg_buf_puts(b, "\"\"");
	else
		pg_escape_puts(b, s);
}

/* The table's cells of REC, each escaped, into CELLS. */
static void table_cells(struct pg_buf cells[NCOLS], const struct pg_log_record *rec)
{
	for (int c = 0; c < NCOLS; c++)
		pg_buf_reset(&cells[c]);
	pg_buf_printf(&cells[C_SEQ], "%lld", rec->seq);
	pg_buf_puts(&cells[C_TIME], rec->time);
	put_text(&cells[C_EVENT], rec->event);
	put_text(&cells[C_REPO], rec->repo);
	put_text(&cells[C_REF], rec->ref);
	if (rec->old_hex && rec->new_hex)
		pg_buf_printf(&cells[C_IDS], "%.7s..%.7s", rec->old_hex, rec->new_hex);
	else
		pg_buf_putc(&cells[C_IDS], '-');
	put_text(&cells[C_PUSHER], rec->pusher);
	/* Who, not with which key: "carol SHA256:..." shows as carol. */
	for (size_t i = 0; i < rec->napprovals; i++) {
		const char *a = rec->approvals[i];

		if (i)
			pg_buf_putc(&cells[C_APPROVALS], ',');
		pg_escape_put(&cells[C_APPROVALS], a, strcspn(a, " "));
	}
	if (!rec->napprovals)
		pg_buf_putc(&cells[C_APPROVALS], '-');
	if (rec->push_cert) {
		/* "BLOB PRINCIPAL SHA256:...": the principal */
		const char *p = strchr(rec->push_cert, ' ');

		p = p ? p + 1 : rec->push_cert;
		pg_escape_put(&cells[C_CERT], p, strcspn(p, " "));
	} else {
		pg_buf_putc(&cells[C_CERT], '-');
	}
	if (rec->reason)
		pg_escape_puts(&cells[C_REASON], rec->reason);
}

static void csv_field(struct pg_buf *b, const char *s, size_t len, int escape)
{
	struct pg_buf e = PG_BUF_INIT;
	const char *p = s;
	size_t n = len;

	if (escape) {
		pg_escape_put(&e, s, len);
		p = pg_buf_cstr(&e);
		n = e.len;
	}
	if (memchr(p, ',', n) || memchr(p, '"', n) || memchr(p, '\r', n) || memchr(p, '\n', n)) {
		pg_buf_putc(b, '"');
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '"')
				pg_buf_putc(b, '"');
			pg_buf_putc(b, p[i]);
		}
		pg_buf_putc(b, '"');
	} else {
		pg_buf_put(b, p, n);
	}
	pg_buf_free(&e);
}

static void csv_text(struct pg_buf *b, const char *s)
{
	if (s)
		csv_field(b, s, strlen(s), 1);
}

static void csv_row(struct pg_buf *b, struct pg_buf *opts, const struct pg_log_record *rec,
		    const char *line)
{
	pg_buf_printf(b, "%lld,%s,", rec->seq, rec->time);
	csv_text(b, rec->event);
	pg_buf_putc(b, ',');
	csv_text(b, rec->repo);
	pg_buf_putc(b, ',');
	csv_text(b, rec->ref);
	pg_buf_putc(b, ',');
	csv_text(b, rec->old_hex);
	pg_buf_putc(b, ',');
	csv_text(b, rec->new_hex);
	pg_buf_putc(b, ',');
	csv_text(b, rec->pusher);
	pg_buf_putc(b, ',');
	csv_text(b, rec->via);
	pg_buf_putc(b, ',');
	csv_text(b, rec->rule);
	pg_buf_putc(b, ',');
	csv_text(b, rec->reason);
	pg_buf_putc(b, ',');
	/*
	 * As the JSON array in the line, with what a writer may have left raw
	 * (an older one: bidi controls) escaped the JSON way.
	 */
	pg_buf_reset(opts);
	pg_json_put_shown(opts, line + rec->opts_start, rec->opts_end - rec->opts_start);
	csv_field(b, opts->ptr, opts->len, 0);
	pg_buf_putc(b, ',');
	pg_buf_reset(opts);
	for (size_t i = 0; i < rec->napprovals; i++) {
		if (i)
			pg_buf_putc(opts, ' ');
		pg_buf_puts(opts, rec->approvals[i]);
	}
	/* Space-separated pairs: name and fingerprint hold no space. */
	csv_field(b, opts->ptr, opts->len, 1);
	pg_buf_putc(b, ',');
	csv_text(b, rec->push_cert);
	pg_buf_printf(b, ",%s\r\n", rec->prev);
}

static int matches(const struct pg_log_record *rec, const struct pg_log_filter *f)
{
	if (!f)
		return 1;
	if (f->repo_glob && (!rec->repo || !pg_glob_match(f->repo_glob, rec->repo)))
		return 0;
	if (f->since[0] && strcmp(rec->time, f->since) < 0)
		return 0;
	return 1;
}

int pg_log_show(FILE *out, FILE *err, const char *path,
		const struct pg_log_filter *filter, enum pg_log_format format)
{
	struct pg_log_record rec = PG_LOG_RECORD_INIT;
	struct pg_buf cells[NCOLS], row = PG_BUF_INIT, opts = PG_BUF_INIT;
	size_t widths[NCOLS], cap = 0;
	char *line = NULL;
	int skipped = 0, rc = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		pg_error_set("%s: %s", path, strerror(errno));
		return -1;
	}
	for (int c = 0; c < NCOLS; c++) {
		struct pg_buf init = PG_BUF_INIT;

		cells[c] = init;
		widths[c] = strlen(col_names[c]);
	}
	if (format == PG_LOG_CSV)
		fputs("seq,time,event,repo,ref,old,new,pusher,via,rule,reason,push_options,"
		      "approvals,push_cert,prev\r\n",
		      out);
	/* The table takes two passes: the widths first, then the rows. */
	for (int pass = format == PG_LOG_TABLE ? 0 : 1; pass < 2; pass++) {
		size_t lineno = 0;
		ssize_t n;

		if (pass == 1 && format == PG_LOG_TABLE) {
			rewind(f);
			for (int c = 0; c < NCOLS - 1; c++)
				fprintf(out, "%-*s  ", (int)widths[c], col_names[c]);
			fprintf(out, "%s\n", col_names[NCOLS - 1]);
		}
		errno = 0;
		while ((n = getline(&line, &cap, f)) > 0) {
			size_t len = (size_t)n;

			lineno++;
			if (line[len - 1] != '\n') {
				if (pass == 1) {
					fprintf(err, "%s:%zu: torn last line (%zu bytes), skipped\n",
						path, lineno, len);
					skipped = 1;
				}
				continue;
			}
			len--;
			if (pg_log_parse_line(&rec, line, len) < 0) {
				if (pass == 1) {
					fprintf(err, "%s:%zu: not a log entry, skipped: %s\n",
						path, lineno, pg_error_last());
					skipped = 1;
				}
				continue;
			}
			if (!matches(&rec, filter))
				continue;
			if (format == PG_LOG_JSON) {
				/* The line itself, unless it holds a character to escape. */
				pg_buf_reset(&row);
				pg_json_put_shown(&row, line, len);
				pg_buf_putc(&row, '\n');
				fwrite(row.ptr, 1, row.len, out);
				continue;
			}
			if (format == PG_LOG_CSV) {
				pg_buf_reset(&row);
				csv_row(&row, &opts, &rec, line);
				fwrite(row.ptr, 1, row.len, out);
				continue;
			}
			table_cells(cells, &rec);
			if (pass == 0) {
				for (int c = 0; c < NCOLS; c++) {
					size_t w = width(cells[c].ptr, cells[c].len);

					if (w > widths[c])
						widths[c] = w;
				}
				continue;
			}
			pg_buf_reset(&row);
			for (int c = 0; c < NCOLS - 1; c++) {
				size_t w = width(cells[c].ptr, cells[c].len);

				pg_buf_put(&row, cells[c].ptr, cells[c].len);
				for (; w < widths[c] + 2; w++)
					pg_buf_putc(&row, ' ');
			}
			pg_buf_put(&row, cells[C_REASON].ptr, cells[C_REASON].len);
			while (row.len && row.ptr[row.len - 1] == ' ')
				row.len--;
			pg_buf_putc(&row, '\n');
			fwrite(row.ptr, 1, row.len, out);
		}
		if (ferror(f)) {
			pg_error_set("%s: cannot read: %s", path, strerror(errno ? errno : EIO));
			rc = -1;
			break;
		}
	}
	fclose(f);
	free(line);
	for (int c = 0; c < NCOLS; c++)
		pg_buf_free(&cells[c]);
	pg_buf_free(&row);
	pg_buf_free(&opts);
	pg_log_record_free(&rec);
	if (rc == 0 && fflush(out) == EOF) {
		pg_error_set("cannot write the output: %s", strerror(errno));
		rc = -1;
	}
	return rc < 0 ? -1 : skipped;
}
