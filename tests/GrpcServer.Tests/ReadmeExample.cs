// The xunit example of README.md's "Testing handlers without a port", compiled and run as it is shown there:
// ReadmeExampleTests checks that README.md shows this file's text below this comment.
using Grpc.Core;
using GrpcServer;
using Helloworld;
using Xunit;

namespace MyService.Tests;

public class GreeterTests
{
    // In an app, the same method adds the handlers to the server that Program.cs serves.
    private static RpcServer CreateServer() => new RpcServer().AddHandler(GreeterRpcs.SayHello, (request, context) =>
    {
        if (request.Name.Length == 0)
        {
            context.Abort(StatusCode.InvalidArgument, "name is required");
        }

        return new HelloReply { Message = "Hello " + request.Name };
    });

    [Fact]
    public async Task SayHello_greets_by_name()
    {
        await using var server = await CreateServer().StartInMemoryAsync();
        var client = new Greeter.GreeterClient(server.Channel);

        var reply = await client.SayHelloAsync(new HelloRequest { Name = "World" });

        Assert.Equal("Hello World", reply.Message);
    }

    [Fact]
    public async Task SayHello_without_a_name_is_INVALID_ARGUMENT()
    {
        await using var server = await CreateServer().StartInMemoryAsync();
        var client = new Greeter.GreeterClient(server.Channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAsync(new HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("name is required", error.Status.Detail);
    }
}
