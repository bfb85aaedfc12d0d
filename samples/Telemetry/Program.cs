// The Telemetry sample: the Greeter, observed with OpenTelemetry.
//   dotnet run                        serves helloworld.Greeter on http://localhost:50051 (or --urls) and prints each
//                                     call's span, and every 10 s the rpc.server.duration histogram, to the console
//   dotnet run -- client [name] [url] calls it twice (the second call without a name fails) inside a client span,
//                                     whose trace context the calls carry in their traceparent header
// With OTEL_EXPORTER_OTLP_ENDPOINT set (for example http://localhost:4317), both sides also export over OTLP.
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcServer;
using Helloworld;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using StatusCode = Grpc.Core.StatusCode;

var otlp = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT"));

if (args is ["client", ..])
{
    var name = args.Length > 1 ? args[1] : "World";
    var url = args.Length > 2 ? args[2] : RpcServerOptions.DefaultUrl;
    var client = new ActivitySource("Telemetry.Client");

    // The client's own span, Grpc.Net.Client's span of each call and HttpClient's (System.Net.Http), which sends the
    // traceparent header.
    var clientTracing = Sdk.CreateTracerProviderBuilder()
        .ConfigureResource(resource => resource.AddService("greeter-client"))
        .AddSource(client.Name, "Grpc.Net.Client", "System.Net.Http")
        .AddConsoleExporter();
    if (otlp)
    {
        clientTracing.AddOtlpExporter();
    }

    using (clientTracing.Build())
    using (client.StartActivity("greet twice"))
    {
        using var channel = GrpcChannel.ForAddress(url);
        var greeter = new Greeter.GreeterClient(channel);
        foreach (var who in new[] { name, "" })
        {
            try
            {
                Console.WriteLine((await greeter.SayHelloAsync(new HelloRequest { Name = who })).Message);
            }
            catch (RpcException error)
            {
                Console.WriteLine($"{error.StatusCode}: {error.Status.Detail}");
            }
        }
    }

    return 0;
}

// The server's spans: one per call, named helloworld.Greeter/SayHello, with the rpc.* attributes.
var tracing = Sdk.CreateTracerProviderBuilder()
    .ConfigureResource(resource => resource.AddService("greeter"))
    .AddSource(RpcServer.ActivitySourceName)
    .AddConsoleExporter();

// The server's meter: rpc.server.duration and the per-RPC counters (grpcserver.rpc.*).
var metrics = Sdk.CreateMeterProviderBuilder()
    .ConfigureResource(resource => resource.AddService("greeter"))
    .AddMeter(RpcServer.MeterName)
    .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000);
if (otlp)
{
    tracing.AddOtlpExporter();
    metrics.AddOtlpExporter();
}

using var tracerProvider = tracing.Build();
using var meterProvider = metrics.Build();

var server = new RpcServer(new RpcServerOptions { Args = args });
server.AddHandler(GreeterRpcs.SayHello, (request, context) =>
{
    if (string.IsNullOrWhiteSpace(request.Name))
    {
        context.Abort(StatusCode.InvalidArgument, "name is required");
    }

    return new HelloReply { Message = $"Hello {request.Name}" };
});

server.HandleRpc();
return 0;
