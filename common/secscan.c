/*
 * Hyperscan finds where matches end, for all rules in one pass; where a
 * match starts it can tell only for simple patterns (its SOM mode refuses
 * most secret rules as too large).  So each reported end is handed to
 * PCRE2, which finds the whole match and its capture group by searching a
 * window that ends there; ends that fall inside a match already judged
 * are skipped, so a long match is judged once, not at each of its ends.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "secscan.h"
#include "error.h"

#include <hs/hs.h>
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Matches judged in one blob, beyond which a blob is refused as a scan bomb. */
#define MAX_MATCHES 100000
/* How far before its end PCRE2 looks for a match's start. */
#define WINDOW 4096
/* PCRE2's backtracking budget a search: a rule cannot stall a push. */
#define MATCH_LIMIT 200000

/* Per rule: its matches come in order. */
struct pending {
	size_t done;		/* bytes before this were judged for the rule */
	size_t line_pos, line_no;	/* a cursor for counting lines */
	size_t last_line;	/* of its last finding; 0: none */
};

struct scan {
	const struct pg_secrules *s;
	const unsigned char *data;
	size_t len;
	struct pending *pend;		/* one per rule */
	struct pg_secret_hits *out;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	size_t judged;
	int failed;
};

int pg_secscan_binary(const unsigned char *data, size_t len)
{
	return memchr(data, '\0', len < PG_BINARY_PROBE ? len : PG_BINARY_PROBE) != NULL;
}

void pg_secret_mask(char out[PG_SECRET_MASKED_MAX], const unsigned char *secret, size_t len)
{
	size_t shown = len < PG_SECRET_SHOWN ? len : PG_SECRET_SHOWN, n = 0, stars;

	for (size_t i = 0; i < shown; i++)
		out[n++] = secret[i] ? (char)secret[i] : '?';
	stars = len - shown;
	if (stars > 20)
		stars = 20;
	memset(out + n, '*', stars);
	out[n + stars] = '\0';
}

/* The line of byte POS; P's cursor moves forward, and starts over when asked about earlier bytes. */
static size_t line_of(const struct scan *sc, struct pending *p, size_t pos)
{
	if (pos < p->line_pos || !p->line_no) {
		p->line_pos = 0;
		p->line_no = 1;
	}
	while (p->line_pos < pos) {
		const unsigned char *nl = memchr(sc->data + p->line_pos, '\n', pos - p->line_pos);

		if (!nl) {
			p->line_pos = pos;
			break;
		}
		p->line_no++;
		p->line_pos = (size_t)(nl - sc->data) + 1;
	}
	return p->line_no;
}

static int has_keyword(const struct pg_secrule *r, const unsigned char *line, size_t len)
{
	for (size_t k = 0; k < r->nkeywords; k++) {
		size_t kl = strlen(r->keywords[k]);

		for (size_t i = 0; i + kl <= len; i++)
			if (!strncasecmp((const char *)line + i, r->keywords[k], kl))
				return 1;
	}
	return 0;
}

/*
 * The match of rule R that ends at or after END (Hyperscan's report), and
 * its secret (the capture group, else the match), found by PCRE2 from at
 * most WINDOW bytes before END.  0 when PCRE2 finds none there.
 */
static int locate(struct scan *sc, const struct pg_secrule *r, struct pending *p, size_t end,
		  size_t *from, size_t *to, size_t *s, size_t *e)
{
	size_t at = end > WINDOW ? end - WINDOW : 0;

	if (at < p->done)
		at = p->done;
	while (at < end) {
		PCRE2_SIZE *ov;

		if (pcre2_match(r->re, sc->data, sc->len, at, 0, sc->md, sc->mc) < 1)
			return 0;
		ov = pcre2_get_ovector_pointer(sc->md);
		if (ov[1] >= end) {
			*from = ov[0];
			*to = ov[1];
			*s = ov[0];
			*e = ov[1];
			if (r->has_group && ov[2] != PCRE2_UNSET && ov[3] > ov[2]) {
				*s = ov[2];
				*e = ov[3];
			}
			return ov[1] > ov[0];
		}
		at = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
	}
	return 0;
}

/* Hyperscan saw rule RULE match up to END: is it a secret? */
static void judge(struct scan *sc, size_t rule, size_t end)
{
	const struct pg_secrule *r = &sc->s->rules[rule];
	struct pending *p = &sc->pend[rule];
	size_t from, to, s, e, ls, le, line;
	struct pg_secret_hit *h;

	if (end <= p->done)
		return;	/* inside a match already judged */
	if (++sc->judged > MAX_MATCHES) {
		sc->failed = 1;
		return;
	}
	if (!locate(sc, r, p, end, &from, &to, &s, &e)) {
		/* The engines disagree, or PCRE2 gave up: the line up to the end is the match. */
		for (from = end; from > 0 && sc->data[from - 1] != '\n' && end - from < WINDOW; from--)
			;
		s = from;
		e = to = end;
	}
	p->done = to;
	if (r->nkeywords) {
		for (ls = from; ls > 0 && sc->data[ls - 1] != '\n'; ls--)
			;
		for (le = to; le < sc->len && sc->data[le] != '\n'; le++)
			;
		if (!has_keyword(r, sc->data + ls, le - ls))
			return;
	}
	if (r->entropy > 0 && pg_entropy(sc->data + s, e - s) < r->entropy)
		return;
	/* One finding per rule and line: its fingerprint names no more. */
	line = line_of(sc, p, s);
	if (p->last_line == line)
		return;
	p->last_line = line;
	sc->out->hit = pg_xrealloc(sc->out->hit, (sc->out->n + 1) * sizeof(*sc->out->hit));
	h = &sc->out->hit[sc->out->n++];
	h->rule = rule;
	h->line = line;
	h->start = s;
	h->end = e;
	pg_secret_mask(h->masked, sc->data + s, e - s);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
		    unsigned int flags, void *ctx)
{
	struct scan *sc = ctx;

	(void)from;	/* without SOM, always 0 */
	(void)flags;
	judge(sc, id, (size_t)to);
	return sc->failed ? 1 : 0;
}

#define MAX_OVERLAP_CHECK 1000	/* hits in a blob beyond which all are kept */

/* Drop the hits from FIRST on whose secret overlaps one of an earlier-listed rule. */
static void drop_overlaps(struct pg_secret_hits *h, size_t first)
{
	size_t keep = first;

	if (h->n - first > MAX_OVERLAP_CHECK)
		return;
	for (size_t i = first; i < h->n; i++) {
		int dup = 0;

		for (size_t j = first; j < h->n && !dup; j++)
			dup = j != i && h->hit[j].rule < h->hit[i].rule &&
			      h->hit[j].start < h->hit[i].end && h->hit[i].start < h->hit[j].end;
		if (!dup)
			h->hit[keep++] = h->hit[i];
	}
	h->n = keep;
}

int pg_secscan(const struct pg_secrules *s, const unsigned char *data, size_t len,
	       struct pg_secret_hits *out)
{
	size_t first = out->n;
	struct scan sc;
	hs_error_t err;
	int rc = 0;

	if (!s->db) {
		pg_error_set("the secret rules are not compiled");
		return -1;
	}
	if (len > 0xffffffffu) {
		pg_error_set("a blob of %zu bytes is too large to scan", len);
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.s = s;
	sc.data = data;
	sc.len = len;
	sc.out = out;
	sc.pend = pg_xcalloc(s->n ? s->n : 1, sizeof(*sc.pend));
	sc.md = pcre2_match_data_create(4, NULL);
	sc.mc = pcre2_match_context_create(NULL);
	if (!sc.md || !sc.mc) {
		pcre2_match_data_free(sc.md);
		pcre2_match_context_free(sc.mc);
		free(sc.pend);
		pg_error_set("out of memory");
		return -1;
	}
	pcre2_set_match_limit(sc.mc, MATCH_LIMIT);
	/* An empty blob: Hyperscan wants a pointer all the same. */
	err = hs_scan(s->db, len ? (const char *)data : "", (unsigned)len, 0, s->scratch,
		      on_match, &sc);
	if (sc.failed) {
		pg_error_set("a blob has more than %d secret-like matches; refusing to scan it "
			     "further", MAX_MATCHES);
		rc = -1;
	} else if (err != HS_SUCCESS) {
		pg_error_set("Hyperscan could not scan a blob (error %d)", (int)err);
		rc = -1;
	}
	if (rc == 0)
		drop_overlaps(out, first);
	pcre2_match_data_free(sc.md);
	pcre2_match_context_free(sc.mc);
	free(sc.pend);
	return rc;
}

void pg_secret_hits_clear(struct pg_secret_hits *h)
{
	free(h->hit);
	h->hit = NULL;
	h->n = 0;
}
