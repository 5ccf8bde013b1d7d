/*
 * What pushgate check says: each problem, warning and note once, as a line
 * for people (FILE:LINE: message) or as a JSON object for scripts and
 * editors.  A forked child (check --as) says its part through a pipe.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "buf.h"
#include "escape.h"
#include "json.h"

static const char *const kind_word[] = {
	[PG_SAY_PROBLEM] = "problem", [PG_SAY_WARNING] = "warning",
	[PG_SAY_NOTE] = "note", [PG_SAY_INFO] = "info"
};

static void check_vsay(struct pg_check_out *o, enum pg_say kind, const char *file, int line,
		       const char *fmt, va_list ap)
{
	struct pg_buf msg = PG_BUF_INIT, text = PG_BUF_INIT;
	struct pg_buf *to = kind == PG_SAY_PROBLEM ? &o->problems
			    : kind == PG_SAY_WARNING ? &o->warnings : &o->notes;

	pg_buf_vprintf(&msg, fmt, ap);
	if (!o->json) {
		/* Values in a policy can hold any byte; the admin's terminal gets none raw. */
		pg_escape_puts(&text, msg.ptr);
		if (line)
			printf("%s:%d: ", file, line);
		else
			printf("%s: ", file ? file : "pushgate");
		if (kind == PG_SAY_WARNING || kind == PG_SAY_NOTE)
			printf("%s: ", kind_word[kind]);
		printf("%s\n", text.ptr);
	} else {
		if (to->len)
			pg_buf_putc(to, ',');
		pg_buf_printf(to, "{\"kind\":\"%s\",\"file\":", kind_word[kind]);
		pg_json_put_cstring(to, file);
		if (line)
			pg_buf_printf(to, ",\"line\":%d,\"message\":", line);
		else
			pg_buf_puts(to, ",\"line\":null,\"message\":");
		pg_json_put_cstring(to, msg.ptr);
		pg_buf_putc(to, '}');
	}
	pg_buf_free(&msg);
	pg_buf_free(&text);
}

void pg_check_say(struct pg_check_out *o, enum pg_say kind, const char *file, int line,
		  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_vsay(o, kind, file, line, fmt, ap);
	va_end(ap);
}

/* The child's JSON, for the parent: a kind letter, the array's text, a newline. */
void pg_check_out_send(const struct pg_check_out *o, int fd)
{
	const struct pg_buf *parts[] = { &o->problems, &o->warnings, &o->notes };
	const char letters[] = "PWN";

	for (int i = 0; i < 3; i++) {
		if (!parts[i]->len)
			continue;
		if (write(fd, &letters[i], 1) != 1 ||
		    write(fd, parts[i]->ptr, parts[i]->len) != (ssize_t)parts[i]->len ||
		    write(fd, "\n", 1) != 1)
			return;
	}
}

void pg_check_out_receive(struct pg_check_out *o, const char *text, size_t len)
{
	struct pg_buf *parts[] = { &o->problems, &o->warnings, &o->notes };
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *letter = strchr("PWN", *p);

		if (!nl)
			break;
		if (*p && letter && nl > p + 1) {
			struct pg_buf *to = parts[letter - "PWN"];

			if (to->len)
				pg_buf_putc(to, ',');
			pg_buf_put(to, p + 1, (size_t)(nl - p - 1));
		}
		p = nl + 1;
	}
}

void pg_check_out_free(struct pg_check_out *o)
{
	pg_buf_free(&o->problems);
	pg_buf_free(&o->warnings);
	pg_buf_free(&o->notes);
}
