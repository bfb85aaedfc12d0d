using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrpcServer;

namespace Interop;

/// <summary>
/// Builds the gRPC interop test server: <c>grpc.testing.TestService</c> with every RPC but
/// <c>UnimplementedCall</c>, so that interop clients of other gRPC implementations can test against it.
/// </summary>
public static class InteropServer
{
    /// <summary>The port when the command line names none.</summary>
    public const int DefaultPort = 50051;

    /// <summary>The host when the command line names none: loopback only.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>
    /// The largest payload a response may carry, and the most request bytes <c>HalfDuplexCall</c> keeps before it
    /// answers: 4 MB, the largest message a gRPC client accepts by default (the interop cases ask for at most
    /// 314,159 bytes). A request for more ends with <c>RESOURCE_EXHAUSTED</c>, so no client can exhaust the memory.
    /// </summary>
    public const int MaxPayloadSize = 4 * 1024 * 1024;

    /// <summary>The command line <see cref="ParseArgs"/> reads.</summary>
    public const string Usage =
        "usage: Interop [--port N] [--host HOST] [--use_tls[=true|false]] [--cert FILE --key FILE]\n"
        + "  --port     port to listen on (default 50051; 0 picks a free one)\n"
        + "  --host     address to listen on (default 127.0.0.1)\n"
        + "  --use_tls  serve TLS; with no --cert, on a self-signed certificate made at startup\n"
        + "  --cert     PEM certificate (chain) for TLS, with its PEM private key in --key";

    /// <summary>
    /// Creates a server that serves <c>grpc.testing.TestService</c> with <paramref name="options"/>.
    /// Sets <see cref="RpcServerOptions.ResponseCompressionAlgorithm"/> to gzip: the handlers send each response
    /// uncompressed unless the client asks for that one to be compressed.
    /// </summary>
    /// <param name="options">Where and how to listen, such as from <see cref="ParseArgs"/>.</param>
    /// <returns>The server, ready for <see cref="RpcServer.HandleRpc"/>.</returns>
    public static RpcServer Create(RpcServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ResponseCompressionAlgorithm = "gzip";

        var server = new RpcServer(options);
        TestServiceHandlers.AddTo(server);
        return server;
    }

    /// <summary>
    /// Reads the interop server command line (see <see cref="Usage"/>) into server options. Options take the
    /// form <c>--name value</c> or <c>--name=value</c>, as the interop servers of other gRPC implementations do.
    /// </summary>
    /// <param name="args">The command-line arguments.</param>
    /// <returns>Options that listen on one URL, with a TLS certificate when <c>--use_tls</c> is given.</returns>
    /// <exception cref="ArgumentException">An argument is unknown, lacks its value or has a bad value.</exception>
    public static RpcServerOptions ParseArgs(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);

        int port = DefaultPort;
        string host = DefaultHost;
        bool useTls = false;
        string? certPath = null, keyPath = null;

        for (var i = 0; i < args.Count; i++)
        {
            var (name, value) = args[i].Split('=', 2) is [var n, var v] ? (n, v) : (args[i], null);
            switch (name)
            {
                case "--port":
                    var text = value ?? Next(args, ref i, name);
                    if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > IPEndPoint.MaxPort)
                    {
                        throw new ArgumentException($"--port: '{text}' is not a port number (0-65535).");
                    }

                    break;
                case "--host":
                    host = value ?? Next(args, ref i, name);
                    break;
                case "--use_tls":
                    // A bare flag means true; "--use_tls false" and "--use_tls=false" (the grpc interop scripts' form) mean false.
                    value ??= i + 1 < args.Count && bool.TryParse(args[i + 1], out _) ? args[++i] : "true";
                    if (!bool.TryParse(value, out useTls))
                    {
                        throw new ArgumentException($"--use_tls: '{value}' is not true or false.");
                    }

                    break;
                case "--cert":
                    certPath = value ?? Next(args, ref i, name);
                    break;
                case "--key":
                    keyPath = value ?? Next(args, ref i, name);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{args[i]}'.");
            }
        }

        if ((certPath is null) != (keyPath is null))
        {
            throw new ArgumentException("--cert and --key go together.");
        }

        if (certPath is not null && !useTls)
        {
            throw new ArgumentException("--cert and --key need --use_tls.");
        }

        var options = new RpcServerOptions();
        var hostInUrl = host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;
        options.Urls.Add($"{(useTls ? "https" : "http")}://{hostInUrl}:{port.ToString(CultureInfo.InvariantCulture)}");
        if (useTls)
        {
            if (certPath is not null)
            {
                options.TlsCertificatePath = certPath;
                options.TlsKeyPath = keyPath;
            }
            else
            {
                options.TlsCertificate = CreateSelfSignedCertificate(host);
            }
        }

        return options;
    }

    /// <summary>
    /// Makes a self-signed TLS server certificate, valid for a day, for <paramref name="host"/>, <c>localhost</c>
    /// and the loopback addresses. It lives in memory only: clients must be told to trust it, for example by its
    /// SHA-256 hash.
    /// </summary>
    /// <param name="host">The host name or address clients connect to.</param>
    /// <returns>The certificate, with its private key.</returns>
    public static X509Certificate2 CreateSelfSignedCertificate(string host)
    {
        ArgumentNullException.ThrowIfNull(host);

        host = host.Trim('[', ']');
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : null;

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + (address is null ? host : "localhost"), key, HashAlgorithmName.SHA256);

        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        if (address is not null)
        {
            if (!IPAddress.IsLoopback(address))
            {
                names.AddIpAddress(address);
            }
        }
        else if (host != "localhost")
        {
            names.AddDnsName(host);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));

        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Round-trip through PKCS#12 so that the private key is usable by TLS on every platform (Windows needs a
        // persisted key, not the ephemeral one CreateSelfSigned attaches).
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null);
    }

    private static string Next(IReadOnlyList<string> args, ref int i, string name) =>
        i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
            ? args[++i]
            : throw new ArgumentException($"{name} needs a value.");
}
