/*
 * Linked into the hooks only, and only when they link libgit2 statically
 * (Makefile: STATIC_HOOKS).
 *
 * libgit2 can authenticate HTTP remotes with Kerberos (SPNEGO), so a static
 * libgit2 drags in libgssapi_krb5 and six libraries behind it, which cost
 * about 0.7 ms to load in every hook process.  A hook never talks to an HTTP
 * remote, so these stand-ins answer every GSSAPI call with GSS_S_FAILURE:
 * libgit2 then reports negotiate authentication as unavailable, which is
 * exactly what it does on a system without Kerberos.
 *
 * The signatures follow RFC 2744 (OM_uint32 status words, opaque handles);
 * the types are spelled out here because the hooks do not need the
 * Kerberos development headers for anything else.
 */
#include <stddef.h>
#include <stdint.h>

typedef uint32_t OM_uint32;

#define GSS_S_FAILURE ((OM_uint32)13 << 16)	/* RFC 2744: routine error 13 */

/* RFC 2744's gss_OID_desc; libgit2 only passes this name type along. */
struct gss_oid_desc {
	OM_uint32 length;
	void *elements;
};

static struct gss_oid_desc hostbased_service = { 0, NULL };
struct gss_oid_desc *GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

/* Each one clears the minor status and the outputs it owns, then fails. */
static OM_uint32 unavailable(OM_uint32 *minor)
{
	if (minor)
		*minor = 0;
	return GSS_S_FAILURE;
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, void **mech_set)
{
	if (mech_set)
		*mech_set = NULL;
	return unavailable(minor);
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, void **set)
{
	if (set)
		*set = NULL;
	return unavailable(minor);
}

OM_uint32 gss_import_name(OM_uint32 *minor, const void *name_buffer,
			  const void *name_type, void **output_name)
{
	(void)name_buffer;
	(void)name_type;
	if (output_name)
		*output_name = NULL;
	return unavailable(minor);
}

OM_uint32 gss_release_name(OM_uint32 *minor, void **name)
{
	if (name)
		*name = NULL;
	return unavailable(minor);
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, const void *cred, void **context,
			       const void *target, const void *mech, OM_uint32 req_flags,
			       OM_uint32 time_req, const void *bindings,
			       const void *input_token, void **actual_mech,
			       void *output_token, OM_uint32 *ret_flags,
			       OM_uint32 *time_rec)
{
	(void)cred;
	(void)context;
	(void)target;
	(void)mech;
	(void)req_flags;
	(void)time_req;
	(void)bindings;
	(void)input_token;
	(void)output_token;
	if (actual_mech)
		*actual_mech = NULL;
	if (ret_flags)
		*ret_flags = 0;
	if (time_rec)
		*time_rec = 0;
	return unavailable(minor);
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, void **context, void *output_token)
{
	(void)output_token;
	if (context)
		*context = NULL;
	return unavailable(minor);
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status_value, int status_type,
			     const void *mech, OM_uint32 *message_context,
			     void *status_string)
{
	(void)status_value;
	(void)status_type;
	(void)mech;
	(void)status_string;
	if (message_context)
		*message_context = 0;
	return unavailable(minor);
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, void *buffer)
{
	(void)buffer;
	return unavailable(minor);
}
