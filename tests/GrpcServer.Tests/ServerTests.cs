using System.Diagnostics.Metrics;
using System.Security.Cryptography.X509Certificates;
using System.Net.Http;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Helloworld;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Tests;

/// <summary>The production server: configuration, TLS, health, statistics, shutdown, hosting in an app.</summary>
public sealed class ServerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public async Task Health_service_reports_SERVING_for_the_server_and_each_served_service()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        var health = new Health.HealthClient(server.Channel);

        var overall = await health.CheckAsync(new HealthCheckRequest());
        var greeter = await health.CheckAsync(new HealthCheckRequest { Service = "helloworld.Greeter" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "no.Such" }).ResponseAsync);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, overall.Status);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, greeter.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Health_watch_sees_NOT_SERVING_when_shutdown_begins()
    {
        var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        using var watch = new Health.HealthClient(server.Channel).Watch(new HealthCheckRequest { Service = "helloworld.Greeter" });
        using var timeout = new CancellationTokenSource(s_timeout);

        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var running = watch.ResponseStream.Current.Status;

        // Not awaited: the stop completes once in-flight calls are done, and the watch is one of them.
        var stopped = server.Server.StopAsync();
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var stopping = watch.ResponseStream.Current.Status;
        watch.Dispose();
        await stopped.WaitAsync(s_timeout);
        await server.DisposeAsync();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, running);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, stopping);
    }

    [Fact]
    public async Task Health_service_can_be_turned_off()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.EnableHealthService = false);

        var error = await Assert.ThrowsAsync<RpcException>(() => new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Reflection_lists_the_served_services_and_describes_their_files()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o => o.EnableReflection = true);
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();
        using var timeout = new CancellationTokenSource(s_timeout);

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1.ServerReflectionRequest { FileContainingSymbol = "helloworld.Greeter.SayHello" });
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        await call.RequestStream.CompleteAsync();

        Assert.Contains("helloworld.Greeter", services);
        Assert.Contains("grpc.health.v1.Health", services);
        var greet = Assert.Single(files, f => f.Name == "greet.proto");
        Assert.Equal(["SayHello", "SayHelloAgain"], greet.Service.Single().Method.Select(m => m.Name));
    }

    [Fact]
    public async Task Reflection_is_off_by_default()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello));
        using var call = new Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(server.Channel).ServerReflectionInfo();

        // The server answers at once, without reading requests: a write could race with the answer, so only read.
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }

    [Fact]
    public async Task Statistics_count_calls_and_messages_per_rpc()
    {
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Greeter", "SayHello",
            (HelloRequest request, Context context) => request.Name == "fail" ? throw new InvalidOperationException() : new HelloReply(),
            package: "helloworld"));
        var client = new Greeter.GreeterClient(server.Channel);

        await client.SayHelloAsync(new HelloRequest { Name = "a" });
        await client.SayHelloAsync(new HelloRequest { Name = "b" });
        await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest { Name = "fail" }).ResponseAsync);
        await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAgainAsync(new HelloRequest()).ResponseAsync);

        var statistics = server.Server.GetStatistics().ToDictionary(s => s.Rpc);
        Assert.Equal(new RpcStatistics("/helloworld.Greeter/SayHello", Successful: 2, Failed: 1, MessagesReceived: 3, MessagesSent: 2), statistics["/helloworld.Greeter/SayHello"]);
        Assert.Equal(new RpcStatistics("/helloworld.Greeter/SayHelloAgain", Successful: 0, Failed: 1, MessagesReceived: 1, MessagesSent: 0), statistics["/helloworld.Greeter/SayHelloAgain"]);
    }

    [Fact]
    public async Task Statistics_are_published_on_the_GrpcServer_meter()
    {
        var measurements = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, long Value, string? Rpc)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RpcServer.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? rpc = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "rpc")
                {
                    rpc = tag.Value as string;
                }
            }

            measurements.Enqueue((instrument.Name, value, rpc));
        });
        listener.Start();

        // A service no other test serves, so that parallel tests cannot add to these counts.
        await using var server = await TestServer.StartAsync(s => s.AddHandler("Twin", "Ping", Hello, package: "twins.b"));
        await new Twins.B.Twin.TwinClient(server.Channel).PingAsync(new HelloRequest());
        listener.RecordObservableInstruments();

        var mine = measurements.Where(m => m.Rpc == "/twins.b.Twin/Ping").ToList();
        Assert.Contains(("grpcserver.rpc.successful", 1L, "/twins.b.Twin/Ping"), mine);
        Assert.Contains(("grpcserver.rpc.messages_received", 1L, "/twins.b.Twin/Ping"), mine);
        Assert.Contains(("grpcserver.rpc.messages_sent", 1L, "/twins.b.Twin/Ping"), mine);
    }

    [Fact]
    public async Task Urls_from_command_line_args_apply_when_Urls_is_empty()
    {
        var server = new RpcServer(new RpcServerOptions { Args = ["--urls", "http://127.0.0.1:0"], LogLevel = LogLevel.None })
            .AddHandler(GreeterRpcs.SayHello, Hello);
        var serving = server.HandleRpcAsync();
        try
        {
            var urls = await server.WaitForServingAsync().WaitAsync(s_timeout);
            using var channel = GrpcChannel.ForAddress(urls[0]);

            var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "args" });

            Assert.StartsWith("http://127.0.0.1:", urls[0]);
            Assert.Equal("Hello args", reply.Message);
        }
        finally
        {
            await server.StopAsync();
            await serving.WaitAsync(s_timeout);
        }
    }

    [Fact]
    public async Task Kestrel_endpoints_configuration_replaces_the_default_url()
    {
        // The same keys an appsettings.json "Kestrel" section sets, given on the command line.
        var server = new RpcServer(new RpcServerOptions { Args = ["--Kestrel:Endpoints:Grpc:Url=http://127.0.0.1:0"], LogLevel = LogLevel.None })
            .AddHandler(GreeterRpcs.SayHello, Hello);
        var serving = server.HandleRpcAsync();
        try
        {
            var urls = await server.WaitForServingAsync().WaitAsync(s_timeout);
            using var channel = GrpcChannel.ForAddress(urls[0]);

            var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "kestrel" });

            Assert.DoesNotContain(urls, url => url.Contains(":50051"));
            Assert.Equal("Hello kestrel", reply.Message);
        }
        finally
        {
            await server.StopAsync();
            await serving.WaitAsync(s_timeout);
        }
    }

    [Fact]
    public async Task Tls_serves_https_with_a_certificate()
    {
        using var certificates = new TestCertificates();
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o =>
        {
            o.Urls = ["https://127.0.0.1:0"];
            o.TlsCertificate = certificates.Server;
        });
        using var channel = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions { HttpHandler = TrustingHandler(certificates, clientCertificate: null) });

        var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "tls" });

        Assert.StartsWith("https://", server.Url);
        Assert.Equal("Hello tls", reply.Message);
    }

    [Fact]
    public async Task Tls_certificate_loads_from_pem_files()
    {
        using var certificates = new TestCertificates();
        var directory = Directory.CreateTempSubdirectory("grpcserver-tls-");
        try
        {
            var certificatePath = Path.Combine(directory.FullName, "server.crt");
            var keyPath = Path.Combine(directory.FullName, "server.key");
            await File.WriteAllTextAsync(certificatePath, certificates.Server.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, certificates.Server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o =>
            {
                o.Urls = ["https://127.0.0.1:0"];
                o.TlsCertificatePath = certificatePath;
                o.TlsKeyPath = keyPath;
            });
            using var channel = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions { HttpHandler = TrustingHandler(certificates, clientCertificate: null) });

            var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "pem" });

            Assert.Equal("Hello pem", reply.Message);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Mutual_tls_accepts_a_client_certificate_of_the_trusted_authority_and_refuses_a_client_without_one()
    {
        using var certificates = new TestCertificates();
        await using var server = await TestServer.StartOnSocketAsync(s => s.AddHandler(GreeterRpcs.SayHello, Hello), o =>
        {
            o.Urls = ["https://127.0.0.1:0"];
            o.TlsCertificate = certificates.Server;
            o.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
            o.ClientCertificateAuthority = certificates.Authority;
        });
        using var withCertificate = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions { HttpHandler = TrustingHandler(certificates, certificates.Client) });
        using var without = GrpcChannel.ForAddress(server.Url, new GrpcChannelOptions { HttpHandler = TrustingHandler(certificates, clientCertificate: null) });

        var reply = await new Greeter.GreeterClient(withCertificate).SayHelloAsync(new HelloRequest { Name = "mtls" });
        var refused = await Assert.ThrowsAsync<RpcException>(() => new Greeter.GreeterClient(without).SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal("Hello mtls", reply.Message);
        // The handshake fails: the client sees the connection refused (which status depends on when the reset lands).
        Assert.Contains(refused.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task Https_url_without_a_certificate_fails_to_start_with_RpcErrorException_unless_a_development_certificate_is_installed()
    {
        var server = new RpcServer(new RpcServerOptions { Urls = { "https://127.0.0.1:0" }, LogLevel = LogLevel.None })
            .AddHandler(GreeterRpcs.SayHello, Hello);

        // Kestrel falls back to the ASP.NET Core development certificate of the user's certificate store, which any
        // dotnet command may create on first use: with one, the server starts on it, as it would for a user.
        if (HasDevelopmentCertificate())
        {
            var serving = server.HandleRpcAsync();
            var urls = await server.WaitForServingAsync().WaitAsync(s_timeout);
            await server.StopAsync().WaitAsync(s_timeout);
            await serving;

            Assert.StartsWith("https://127.0.0.1:", Assert.Single(urls));
            return;
        }

        var error = await Assert.ThrowsAsync<RpcErrorException>(() => server.HandleRpcAsync().WaitAsync(s_timeout));

        Assert.Contains("could not start", error.Message);
    }

    /// <summary>Whether the current user's store holds an ASP.NET Core development certificate (the OID Kestrel looks for).</summary>
    private static bool HasDevelopmentCertificate()
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // no store yet: no certificate either
        }

        return store.Certificates.Any(certificate => certificate.Extensions.Any(extension => extension.Oid?.Value == "1.3.6.1.4.1.311.84.1.1"));
    }

    [Fact]
    public async Task ConfigureLogging_adds_to_the_logging_of_the_servers_own_host()
    {
        var logs = new Hostile.LogCapture();
        await using var server = await TestServer.StartOnSocketAsync(
            s => s.AddHandler(GreeterRpcs.SayHello, Hello),
            o =>
            {
                o.LogLevel = LogLevel.Information;
                o.ConfigureLogging = logging =>
                {
                    logging.ClearProviders();
                    logging.AddProvider(logs);
                };
            });

        await new Greeter.GreeterClient(server.Channel).SayHelloAsync(new HelloRequest { Name = "log" });

        // The provider gets GrpcServer's own events at the server's level; the defaults still hold framework logs to Warning.
        var serving = Assert.Single(logs.GrpcServerEvents("Serving"));
        Assert.Equal(LogLevel.Information, serving.Level);
        Assert.Contains(server.Url, serving.Message);
        Assert.DoesNotContain(logs.Entries, e => e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) && e.Level < LogLevel.Warning);
    }

    [Fact]
    public async Task StopOnHandlerException_drains_and_rethrows_the_handler_exception()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlightStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            s => s.AddHandler("Greeter", "SayHello", async (HelloRequest request, Context context) =>
            {
                if (request.Name == "slow")
                {
                    inFlightStarted.SetResult();
                    await release.Task;
                    return new HelloReply { Message = "finished" };
                }

                throw new FormatException("the seed stops here");
            }, package: "helloworld"),
            o => o.StopOnHandlerException = true);
        var client = new Greeter.GreeterClient(server.Channel);
        var slow = client.SayHelloAsync(new HelloRequest { Name = "slow" }).ResponseAsync;
        await inFlightStarted.Task.WaitAsync(s_timeout);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest { Name = "boom" }).ResponseAsync);
        release.SetResult();
        var finished = await slow.WaitAsync(s_timeout);
        var thrown = await Assert.ThrowsAsync<FormatException>(() => server.Serving.WaitAsync(s_timeout));

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal("finished", finished.Message);
        Assert.Equal("the seed stops here", thrown.Message);
    }

    [Fact]
    public async Task Handlers_are_served_by_an_existing_AspNetCore_app_beside_its_endpoints()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.ConfigureEndpointDefaults(e => e.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
        builder.Services.AddGrpcHandlers(server => server.AddHandler(GreeterRpcs.SayHello, Hello));
        await using var app = builder.Build();
        app.MapGet("/", () => "plain HTTP");
        app.MapGrpcHandlers();
        await app.StartAsync();
        try
        {
            var url = app.Urls.First();
            using var http = new HttpClient { DefaultRequestVersion = new Version(2, 0), DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            using var channel = GrpcChannel.ForAddress(url);

            var page = await http.GetStringAsync(url);
            var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = "app" });
            var statistics = app.Services.GetRequiredService<RpcServer>().GetStatistics();

            Assert.Equal("plain HTTP", page);
            Assert.Equal("Hello app", reply.Message);
            Assert.Contains(statistics, s => s.Rpc == "/helloworld.Greeter/SayHello" && s.Successful == 1);
            Assert.Throws<InvalidOperationException>(() => app.Services.GetRequiredService<RpcServer>().HandleRpc());
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static SocketsHttpHandler TrustingHandler(TestCertificates certificates, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && certificate.GetCertHashString() == certificates.Server.GetCertHashString();
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }
}
