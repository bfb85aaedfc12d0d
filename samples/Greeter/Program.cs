// The Greeter sample: `dotnet run` serves helloworld.Greeter on http://localhost:50051;
// `dotnet run -- client [name] [url]` calls it.
using Grpc.Core;
using Grpc.Net.Client;
using GrpcServer;
using Helloworld;

if (args is ["client", ..])
{
    var name = args.Length > 1 ? args[1] : "World";
    var url = args.Length > 2 ? args[2] : RpcServerOptions.DefaultUrl;
    using var channel = GrpcChannel.ForAddress(url);
    try
    {
        var reply = await new Greeter.GreeterClient(channel).SayHelloAsync(new HelloRequest { Name = name });
        Console.WriteLine(reply.Message);
        return 0;
    }
    catch (RpcException error)
    {
        Console.Error.WriteLine($"{error.StatusCode}: {error.Status.Detail}");
        return 1;
    }
}

var server = new RpcServer(new RpcServerOptions { Args = args });

server.AddHandler("Greeter", "SayHello", (HelloRequest request, Context context) =>
{
    if (string.IsNullOrWhiteSpace(request.Name))
    {
        context.Abort(StatusCode.InvalidArgument, "name is required");
    }

    return new HelloReply { Message = $"Hello {request.Name}" };
});

server.HandleRpc();
return 0;
