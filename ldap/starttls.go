package ldap

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// ErrNoStartTLSAnswer wraps a failure to get any LDAP answer to the StartTLS
// request: the connection closed or answered with something that is not
// LDAP (often a TLS port spoken to in plain LDAP).
var ErrNoStartTLSAnswer = errors.New("no LDAP answer to the StartTLS request")

// ErrStartTLSOnLDAPS is returned when start_tls is set with an ldaps:// URL.
var ErrStartTLSOnLDAPS = errors.New("start_tls cannot be used with an ldaps:// URL: the connection is already TLS; turn start_tls off or use ldap://")

// startTLS upgrades a fresh plain connection: the StartTLS extended operation,
// then the TLS handshake. Unlike go-ldap's Conn.StartTLS it keeps the
// handshake's error types, so certificate problems can be explained.
func startTLS(ctx context.Context, raw net.Conn, tc *tls.Config, timeout time.Duration) (*tls.Conn, error) {
	if err := startTLSRequest(ctx, raw, timeout); err != nil {
		return nil, err
	}
	return tlsHandshake(ctx, raw, tc, timeout)
}

// startTLSRequest sends the StartTLS extended request as message 1 on a
// connection nothing else has used, and reads the server's answer.
func startTLSRequest(ctx context.Context, raw net.Conn, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	if dl, ok := ctx.Deadline(); ok && dl.Before(deadline) {
		deadline = dl
	}
	raw.SetDeadline(deadline)
	defer raw.SetDeadline(time.Time{})
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	packet := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAP Request")
	packet.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, 1, "MessageID"))
	req := ber.Encode(ber.ClassApplication, ber.TypeConstructed, goldap.ApplicationExtendedRequest, nil, "Start TLS")
	req.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, OIDStartTLS, "TLS Extended Command"))
	packet.AppendChild(req)
	if _, err := raw.Write(packet.Bytes()); err != nil {
		return fmt.Errorf("%w: %w", ErrNoStartTLSAnswer, err)
	}
	resp, err := ber.ReadPacket(raw)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrNoStartTLSAnswer, err)
	}
	if len(resp.Children) < 2 || resp.Children[1].ClassType != ber.ClassApplication ||
		resp.Children[1].Tag != goldap.ApplicationExtendedResponse {
		return fmt.Errorf("%w: the reply is not an LDAP extended response", ErrNoStartTLSAnswer)
	}
	return goldap.GetLDAPError(resp)
}

// tlsHandshake runs the client side of a TLS handshake over raw.
func tlsHandshake(ctx context.Context, raw net.Conn, tc *tls.Config, timeout time.Duration) (*tls.Conn, error) {
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tlsConn := tls.Client(raw, tc)
	if err := tlsConn.HandshakeContext(hctx); err != nil {
		return nil, err
	}
	return tlsConn, nil
}
