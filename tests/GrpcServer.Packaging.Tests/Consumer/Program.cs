// A project that uses GrpcServer from its package only: serves three RPCs from .proto files on a free port,
// calls them with a Grpc.Tools client, prints the replies, then calls a server in memory as a test would, and exits.
using Demo;
using Demo.Common;
using Demo.Ping;
using Grpc.Core;
using Grpc.Net.Client;
using GrpcServer;

var server = new RpcServer(new RpcServerOptions { Urls = { "http://127.0.0.1:0" } });
server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
    new Greeting { Text = $"Hello {request.Name} from {context.Rpc}" });
// By the service's full name, which needs no package: argument even if another package declared a Greeter.
server.AddHandler("demo.Greeter", "SayHellos", (HelloRequest request, Context context) =>
    Enumerable.Range(1, request.Count).Select(i => new Greeting { Text = $"Hello {request.Name}", Index = i }));
server.AddHandler(PingerRpcs.Ping, (PingRequest request, Context context) =>
    new PingReply { Sequence = request.Sequence + 1 });

var serving = server.HandleRpcAsync();
var urls = await server.WaitForServingAsync();
var deadline = DateTime.UtcNow.AddSeconds(30);
using (var channel = GrpcChannel.ForAddress(urls[0]))
{
    var greeter = new Greeter.GreeterClient(channel);
    var reply = await greeter.SayHelloAsync(new HelloRequest { Name = "package" }, deadline: deadline);
    Console.WriteLine($"unary: {reply.Text}");

    using var call = greeter.SayHellos(new HelloRequest { Name = "stream", Count = 3 }, deadline: deadline);
    await foreach (var greeting in call.ResponseStream.ReadAllAsync())
    {
        Console.WriteLine($"stream: {greeting.Index} {greeting.Text}");
    }

    var pong = await new Pinger.PingerClient(channel).PingAsync(new PingRequest { Sequence = 41 }, deadline: deadline);
    Console.WriteLine($"ping: {pong.Sequence}");
}

await server.StopAsync();
await serving;
Console.WriteLine("stopped");

var tested = new RpcServer().AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
    new Greeting { Text = $"Hello {request.Name} from {context.Rpc}" });
await using (var inMemory = await tested.StartInMemoryAsync())
{
    var reply = await new Greeter.GreeterClient(inMemory.Channel).SayHelloAsync(new HelloRequest { Name = "test" }, deadline: deadline);
    Console.WriteLine($"in memory: {reply.Text}");
}
