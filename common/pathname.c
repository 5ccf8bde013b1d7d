#include "pathname.h"
#include "escape.h"

#include <locale.h>
#include <string.h>
#include <wctype.h>

/* Code points HFS+ ignores in names (git's utf8.c knows the same list). */
static int hfs_ignorable(unsigned cp)
{
	return (cp >= 0x200c && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff;
}

/*
 * Unicode simple lowercase from glibc's C.UTF-8 tables, which need no
 * installed locale.  Should it be missing, only ASCII is folded: the
 * protected paths admins write are ASCII in practice.
 */
static unsigned lower(unsigned cp)
{
	static locale_t utf8;
	static int tried;

	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z' ? cp + 32 : cp;
	if (!tried) {
		tried = 1;
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	}
	return utf8 ? (unsigned)towlower_l((wint_t)cp, utf8) : cp;
}

/*
 * Lowercase LEN bytes of S into OUT; with DROP_IGNORABLE, HFS+'s invisible
 * code points go too.  Ill-formed bytes are copied as they are.
 */
static void fold_chars(struct pg_buf *out, const char *s, size_t len, int drop_ignorable)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned cp;
		size_t n;

		if (u[i] < 0x80) {
			pg_buf_putc(out, (char)lower(u[i]));
			i++;
			continue;
		}
		n = pg_utf8_seq(u + i, len - i, &cp);
		if (!n) {
			pg_buf_putc(out, (char)u[i]);
			i++;
			continue;
		}
		if (!(drop_ignorable && hfs_ignorable(cp)))
			pg_utf8_put(out, lower(cp));
		i += n;
	}
}

/* 1 when LEN bytes of S are well-formed UTF-8. */
static int well_formed(const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned cp;

	for (size_t i = 0, n; i < len; i += n) {
		n = 1;
		if (u[i] >= 0x80 && !(n = pg_utf8_seq(u + i, len - i, &cp)))
			return 0;
	}
	return 1;
}

static void fold_component(struct pg_buf *out, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t mark = out->len, end;

	/* "name:stream" is a stream of name on NTFS. */
	if (colon && colon > s)
		len = (size_t)(colon - s);
	/*
	 * HFS+ and APFS take only UTF-8 names, so only those have code points
	 * to ignore; dropping them between ill-formed bytes would also join
	 * the bytes around them into new characters.
	 */
	fold_chars(out, s, len, well_formed(s, len));
	/* NTFS drops trailing dots and spaces: "crypto. " is "crypto". */
	end = out->len;
	while (end > mark && (out->ptr[end - 1] == '.' || out->ptr[end - 1] == ' '))
		end--;
	if (end > mark) {
		out->len = end;
		out->ptr[end] = '\0';
	}
}

void pg_path_fold(struct pg_buf *out, const char *path, size_t len)
{
	size_t i = 0;

	pg_buf_grow(out, len + 1);
	for (;;) {
		size_t j = i;

		while (j < len && path[j] != '/' && path[j] != '\\')
			j++;
		fold_component(out, path + i, j - i);
		if (j >= len)
			break;
		pg_buf_putc(out, '/');
		i = j + 1;
	}
	if (!out->ptr)
		pg_buf_puts(out, "");
}

void pg_path_fold_pattern(struct pg_buf *out, const char *pattern)
{
	fold_chars(out, pattern, strlen(pattern), 0);
	if (!out->ptr)
		pg_buf_puts(out, "");
}

static int lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* From I on, only dots and spaces, up to the end or an NTFS stream's ':'. */
static int only_dots_spaces(const char *s, size_t len, size_t i)
{
	for (; i < len && (s[i] == '.' || s[i] == ' '); i++)
		;
	return i == len || s[i] == ':';
}

/* git's is_ntfs_dotgit(): ".git" or its 8.3 name "git~1", then only dots and spaces. */
static int ntfs_dotgit(const char *s, size_t len)
{
	static const char *const names[] = { ".git", "git~1" };

	for (size_t k = 0; k < 2; k++) {
		size_t n = strlen(names[k]), i;

		if (len < n)
			continue;
		for (i = 0; i < n && lower_ascii((unsigned char)s[i]) == names[k][i]; i++)
			;
		if (i == n && only_dots_spaces(s, len, n))
			return 1;
	}
	return 0;
}

/*
 * git's is_hfs_dot*(): '.' then WANT (lowercase ASCII), ASCII case folded,
 * HFS+'s ignorable code points skipped anywhere.
 */
static int hfs_dot(const char *s, size_t len, const char *want)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, w = 0;
	int dot = 0;

	while (i < len) {
		unsigned cp = u[i];
		size_t n = 1;

		if (cp >= 0x80) {
			n = pg_utf8_seq(u + i, len - i, &cp);
			if (!n)
				return 0;
		}
		i += n;
		if (hfs_ignorable(cp))
			continue;
		if (!dot) {
			if (cp != '.')
				return 0;
			dot = 1;
			continue;
		}
		if (cp >= 0x80 || !want[w] || (unsigned)lower_ascii((unsigned char)cp) != (unsigned char)want[w])
			return 0;
		w++;
	}
	return dot && !want[w];
}

static int hfs_dotgit(const char *s, size_t len)
{
	return hfs_dot(s, len, "git");
}

/*
 * git's is_ntfs_dot_generic(): ".NAME", its 8.3 short name (the first six
 * letters, '~', 1 to 4), or the hashed short name NTFS gives when those
 * are taken (SHORT, six characters, then '~' and digits).
 */
static int ntfs_dot(const char *s, size_t len, const char *name, const char *shortname)
{
	size_t n = strlen(name), i;
	int tilde = 0;

	if (len > n && s[0] == '.') {
		for (i = 0; i < n && lower_ascii((unsigned char)s[i + 1]) == name[i]; i++)
			;
		if (i == n)
			return only_dots_spaces(s, len, n + 1);
	}
	if (len >= 8 && s[6] == '~' && s[7] >= '1' && s[7] <= '4') {
		for (i = 0; i < 6 && lower_ascii((unsigned char)s[i]) == name[i]; i++)
			;
		if (i == 6)
			return only_dots_spaces(s, len, 8);
	}
	/* Exactly eight characters: up to six of SHORT, '~', then digits (the first not 0). */
	for (i = 0; i < 8; i++) {
		unsigned char c = i < len ? (unsigned char)s[i] : 0;

		if (!c)
			return 0;
		if (tilde) {
			if (c < '0' || c > '9')
				return 0;
		} else if (c == '~') {
			i++;
			if (i >= len || s[i] < '1' || s[i] > '9')
				return 0;
			tilde = 1;
		} else if (i >= 6 || c >= 0x80 || lower_ascii(c) != (unsigned char)shortname[i]) {
			return 0;
		}
	}
	return only_dots_spaces(s, len, i);
}

int pg_path_name_is_dotgit(const char *name, size_t len)
{
	size_t i = 0;

	if (len == 0 || (len == 1 && name[0] == '.') ||
	    (len == 2 && name[0] == '.' && name[1] == '.'))
		return 1;
	/* Windows splits names at '\' too: check every piece. */
	for (;;) {
		size_t j = i;

		while (j < len && name[j] != '\\')
			j++;
		if (j > i && (ntfs_dotgit(name + i, j - i) || hfs_dotgit(name + i, j - i)))
			return 1;
		/* "a\..\b" climbs out of the work tree there. */
		if ((j - i == 1 && name[i] == '.') ||
		    (j - i == 2 && name[i] == '.' && name[i + 1] == '.'))
			return 1;
		if (j >= len)
			return 0;
		i = j + 1;
	}
}

/* The files git reads from the work tree, which it never follows a symlink to. */
static const struct {
	const char *name, *ntfs_short;
} dotfiles[] = {
	{ "gitmodules", "gi7eba" },
	{ "gitattributes", "gi7d29" },
	{ "gitignore", "gi250a" },
	{ "mailmap", "maba30" },
};

int pg_path_name_is_dotfile(const char *name, size_t len)
{
	for (size_t k = 0; k < sizeof(dotfiles) / sizeof(dotfiles[0]); k++)
		if (hfs_dot(name, len, dotfiles[k].name) ||
		    ntfs_dot(name, len, dotfiles[k].name, dotfiles[k].ntfs_short))
			return 1;
	return 0;
}
