package ldap

import (
	"context"
	"errors"
)

// saslBind is the bind step for the SASL bind methods: EXTERNAL (the TLS
// client certificate) and GSSAPI (Kerberos with a keytab). ok is false for
// a simple bind, which bind does itself.
func (r *testRun) saslBind() (step Step, ok bool) {
	var err error
	var who string
	switch {
	case r.cfg.external():
		who = "the TLS client certificate (SASL EXTERNAL)"
		err = r.conn.ExternalBind(r.ctx)
	case r.cfg.gssapi():
		who = "Kerberos principal " + r.cfg.Principal + " (SASL GSSAPI)"
		err = r.conn.GSSAPIBind(r.ctx)
	default:
		return Step{}, false
	}
	if err != nil {
		var ke *KerberosError
		if !errors.As(err, &ke) && connectionLost(err) {
			r.dropConn()
		}
		return failed("bind with "+who+" refused", Explain(err)), true
	}
	if id, werr := r.conn.WhoAmI(r.ctx); werr == nil && id != "" {
		who += ", the server knows you as " + id
	}
	return Step{Status: StepOK, Detail: "bound with " + who}, true
}

// WhoAmI asks the server who the connection is bound as (RFC 4532), e.g.
// "dn:cn=reader,dc=example,dc=com" or "u:EXAMPLE\\ldapwiz".
func (c *Conn) WhoAmI(ctx context.Context) (string, error) {
	var id string
	err := c.do(ctx, func() error {
		res, err := c.c.WhoAmI(nil)
		if err == nil {
			id = res.AuthzID
		}
		return err
	})
	return id, err
}
