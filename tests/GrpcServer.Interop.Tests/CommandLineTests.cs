extern alias InteropSample;

using InteropServer = InteropSample::Interop.InteropServer;

namespace GrpcServer.Interop.Tests;

/// <summary>The interop server's command line, as <c>InteropServer.ParseArgs</c> reads it.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void No_arguments_listen_h2c_on_loopback_port_50051()
    {
        var options = InteropServer.ParseArgs([]);

        Assert.Equal(["http://127.0.0.1:50051"], options.Urls);
        Assert.Null(options.TlsCertificate);
    }

    [Theory]
    [InlineData("http://127.0.0.1:10000", "--port", "10000")]
    [InlineData("http://127.0.0.1:10000", "--port=10000")]
    [InlineData("http://127.0.0.1:10000", "--port=10000", "--use_tls=false")]
    [InlineData("http://127.0.0.1:10000", "--use_tls", "false", "--port", "10000")]
    [InlineData("https://127.0.0.1:10000", "--port", "10000", "--use_tls")]
    [InlineData("https://127.0.0.1:10000", "--use_tls", "--port", "10000")]
    [InlineData("https://127.0.0.1:10000", "--use_tls=true", "--port", "10000")]
    [InlineData("http://[::1]:8080", "--host", "::1", "--port", "8080")]
    [InlineData("http://0.0.0.0:0", "--host=0.0.0.0", "--port=0")]
    public void Arguments_choose_the_url(string url, params string[] args)
    {
        var options = InteropServer.ParseArgs(args);

        Assert.Equal([url], options.Urls);
        Assert.Equal(url.StartsWith("https:", StringComparison.Ordinal), options.TlsCertificate is not null);
    }

    [Theory]
    [InlineData("--port")]
    [InlineData("--port", "x")]
    [InlineData("--port", "65536")]
    [InlineData("--port", "-1")]
    [InlineData("--use_tls=maybe")]
    [InlineData("--cert", "server.pem", "--use_tls")]
    [InlineData("--cert", "server.pem", "--key", "server.key")]
    [InlineData("--verbose")]
    public void Bad_arguments_are_an_ArgumentException(params string[] args)
    {
        Assert.Throws<ArgumentException>(() => InteropServer.ParseArgs(args));
    }

    [Fact]
    public void Self_signed_certificate_is_for_the_host_and_loopback_with_its_private_key()
    {
        using var certificate = InteropServer.CreateSelfSignedCertificate("interop.example");

        Assert.True(certificate.HasPrivateKey);
        Assert.True(certificate.MatchesHostname("interop.example"));
        Assert.True(certificate.MatchesHostname("localhost"));
        Assert.True(certificate.MatchesHostname("127.0.0.1"));
    }
}
