extern alias InteropSample;

using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Testing;
using InteropServer = InteropSample::Interop.InteropServer;
using static GrpcServer.Interop.Tests.InteropTestServer;

namespace GrpcServer.Interop.Tests;

/// <summary>The server as <c>--use_tls</c> starts it: TLS on a self-signed certificate, or on PEM files given with <c>--cert</c>/<c>--key</c>.</summary>
public sealed class TlsInteropTests
{
    [Fact]
    public async Task Use_tls_serves_over_TLS_on_a_self_signed_certificate()
    {
        var options = InteropServer.ParseArgs(["--port", "0", "--use_tls"]);
        var certificate = Assert.IsType<X509Certificate2>(options.TlsCertificate);
        X509Certificate? presented = null;
        await using var server = await StartAsync(options, client => client.SslOptions.RemoteCertificateValidationCallback =
            (_, serverCertificate, _, _) => (presented = serverCertificate) is not null && SameCertificate(certificate, serverCertificate));

        var reply = await server.Client.UnaryCallAsync(new SimpleRequest { ResponseSize = 314159, Payload = Payloads.Zeros(271828) }, Bounded());

        Assert.StartsWith("https://127.0.0.1:", server.Url, StringComparison.Ordinal);
        Assert.NotNull(presented);
        Payloads.AssertZeros(314159, reply.Payload);
    }

    [Fact]
    public async Task Use_tls_with_cert_and_key_serves_the_certificate_of_the_PEM_files()
    {
        using var certificate = InteropServer.CreateSelfSignedCertificate("127.0.0.1");
        var directory = Directory.CreateTempSubdirectory("interop-tls-");
        try
        {
            var certPath = Path.Combine(directory.FullName, "server.pem");
            var keyPath = Path.Combine(directory.FullName, "server.key");
            await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
            using (var key = certificate.GetECDsaPrivateKey()!)
            {
                await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
            }

            var options = InteropServer.ParseArgs(["--port=0", "--use_tls=true", "--cert", certPath, "--key", keyPath]);
            Assert.Null(options.TlsCertificate);
            await using var server = await StartAsync(options, client => client.SslOptions.RemoteCertificateValidationCallback =
                (_, serverCertificate, _, _) => SameCertificate(certificate, serverCertificate));

            var reply = await server.Client.EmptyCallAsync(new Empty(), Bounded());

            Assert.Equal(new Empty(), reply);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Use_tls_refuses_a_client_that_does_not_trust_the_certificate()
    {
        await using var server = await StartAsync(InteropServer.ParseArgs(["--port", "0", "--use_tls"]));

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => server.Client.EmptyCallAsync(new Empty(), Bounded()).ResponseAsync);

        // Grpc.Net.Client reports a failed TLS handshake as INTERNAL, with the handshake's exception as the cause.
        Assert.NotEqual(Grpc.Core.StatusCode.OK, error.StatusCode);
        Assert.IsType<AuthenticationException>(error.Status.DebugException?.InnerException);
    }

    private static bool SameCertificate(X509Certificate2 expected, X509Certificate? actual) =>
        actual is not null && actual.GetCertHashString(HashAlgorithmName.SHA256) == expected.GetCertHashString(HashAlgorithmName.SHA256);
}
