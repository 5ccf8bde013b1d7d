/*
 * Just enough JSON for the release log: a writer for string literals and
 * a strict reader for the log's own compact lines.
 *
 * The reader is not a general JSON parser.  It takes one object whose keys
 * are known in advance, in a fixed order, each holding a string, an
 * integer, null or an array of strings, and refuses everything else: white
 * space outside strings, a missing, extra, repeated or reordered key,
 * nested objects, fractions and exponents, bytes after the closing '}'.
 * It records where each member lies in the text, so the log can cut the
 * ,"sig":"..." member out of a line to get the bytes that were signed.
 */
#ifndef PG_JSON_H
#define PG_JSON_H

#include <stddef.h>

#include "buf.h"

/*
 * Append LEN bytes of S to B as a JSON string literal, quotes included.
 * '"' and '\' are escaped with a backslash; every C0 control byte, DEL
 * and every encoded C1 control (U+0080..U+009F) becomes \u00XX (lower-case
 * hex, e.g. ESC is \u001b and DEL \u007f), so that a log line shown on a
 * terminal carries no escape sequence.  So does every character that
 * reorders or hides text (pg_unicode_hidden: \u202e, and a surrogate pair
 * such as \udb40\udc41 above U+FFFF).  Other well-formed UTF-8 passes
 * unchanged.  JSON text must be UTF-8, so every byte of ill-formed UTF-8
 * (overlong, surrogate, above U+10FFFF, cut off, a stray continuation
 * byte) is replaced by \ufffd, one per byte: the log records that a byte
 * was there, not which one.
 */
void pg_json_put_string(struct pg_buf *b, const char *s, size_t len);

/* The same for a NUL-terminated string; NULL appends null. */
void pg_json_put_cstring(struct pg_buf *b, const char *s);

/*
 * Append LEN bytes of TEXT, JSON that pg_json_parse_object accepted (a
 * whole line, or a value cut from one), with each raw DEL, C1 control and
 * hidden character (pg_unicode_hidden) turned into its \u escape, as
 * pg_json_put_string writes them: the JSON means the same, and shows
 * safely.  A line written by an older version may hold them raw.  Such
 * characters can only stand inside strings, so the rest passes unchanged.
 */
void pg_json_put_shown(struct pg_buf *b, const char *text, size_t len);

/* What a key may hold: an OR of these. */
#define PG_JSON_STRING 1u
#define PG_JSON_INT 2u
#define PG_JSON_NULL 4u
#define PG_JSON_STRINGS 8u	/* an array of strings, possibly empty */
/*
 * The key may be missing (its value's kind is then 0), for fields added to
 * the log after lines were written without them.  Where it stands, it must
 * still stand in its place.
 */
#define PG_JSON_ABSENT 16u

struct pg_json_key {
	const char *name;	/* compared byte for byte: keys hold no escapes */
	unsigned kinds;
};

struct pg_json_value {
	unsigned kind;		/* the one PG_JSON_* that was found */
	/*
	 * The member in the text, [start, end): from its leading ',' (for
	 * the first member, from the '"' of its key) to just after the value.
	 * Cutting it out leaves a valid object with the other members.
	 */
	size_t start, end;
	size_t value_start;	/* where the value begins */
	long long num;		/* PG_JSON_INT */
	const char *str;	/* PG_JSON_STRING: decoded, NUL-terminated */
	size_t len;
	const char *const *items;	/* PG_JSON_STRINGS: decoded, NUL-terminated */
	size_t nitems;
};

/*
 * A parsed object.  Reuse one for many lines: the storage grows to the
 * largest line and is kept.  values, str and items stay valid until the
 * next parse or pg_json_object_free.
 */
struct pg_json_object {
	struct pg_json_value *values;	/* one per key, in key order */
	size_t nvalues;
	/* private */
	struct pg_buf strings;
	size_t valcap;
	const char **items;
	size_t nitems, itemcap;
};

#define PG_JSON_OBJECT_INIT { NULL, 0, PG_BUF_INIT, 0, NULL, 0, 0 }

/*
 * Parse LEN bytes of TEXT as an object with exactly the NKEYS KEYS in that
 * order.  Strings may use every JSON escape (\uXXXX with surrogate pairs
 * included) and must be well-formed UTF-8 with no raw control byte;
 * \u0000 is refused, so that every decoded string is a C string.
 * Integers are JSON's: an optional '-', no leading zeros, no fraction or
 * exponent, within long long.  0, or -1 with pg_error_set() saying what
 * was wrong and at which column (1-based).
 */
int pg_json_parse_object(struct pg_json_object *obj, const char *text, size_t len,
			 const struct pg_json_key *keys, size_t nkeys);

void pg_json_object_free(struct pg_json_object *obj);

#endif
