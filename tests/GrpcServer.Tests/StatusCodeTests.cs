// A user's file, as DESIGN.md promises it compiles: exactly these two usings, no alias. StatusCode is
// Grpc.Core.StatusCode, the one status enum in scope (GrpcServer declares none), so there is no CS0104 ambiguity.
// This file compiling with the test project is the compile test; the tests check what the client receives.
using Grpc.Core;
using GrpcServer;

// Outside namespace GrpcServer, as a user's code is: GrpcServer's names come from the using directive alone.
namespace UserCode;

public sealed class StatusCodeTests
{
    [Fact]
    public async Task Abort_with_a_Grpc_Core_StatusCode_sends_it_with_the_code_name_as_details()
    {
        await using var server = await GrpcServer.Tests.TestServer.StartAsync(s => s.AddHandler(Helloworld.GreeterRpcs.SayHello,
            (request, context) =>
            {
                context.Abort(StatusCode.NotFound);
                return new Helloworld.HelloReply();
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            new Helloworld.Greeter.GreeterClient(server.Channel).SayHelloAsync(new Helloworld.HelloRequest()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("NOT_FOUND", error.Status.Detail);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public void AbortException_carries_the_Grpc_Core_code()
    {
        var abort = new AbortException(StatusCode.PermissionDenied, "no");

        Assert.Equal(StatusCode.PermissionDenied, abort.Code);
        Assert.Equal("no", abort.Details);
    }

    [Fact]
    public void AbortException_is_the_RpcException_of_its_status()
    {
        // So that it reaches grpc-dotnet as it is: one throw per aborted call, as hand-written.
        RpcException abort = new AbortException(StatusCode.NotFound);

        Assert.Equal(StatusCode.NotFound, abort.StatusCode);
        Assert.Equal("NOT_FOUND", abort.Status.Detail);
        Assert.Equal("NOT_FOUND", abort.Message);
    }

    [Fact]
    public void Abort_with_OK_or_an_undefined_code_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AbortException(StatusCode.OK));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AbortException((StatusCode)17));
    }
}
