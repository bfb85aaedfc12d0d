using Grpc.Core;
using GrpcServer.CompilerServices;
using Helloworld;
using GrpcStatusCode = Grpc.Core.StatusCode;

namespace GrpcServer.Tests;

/// <summary>
/// Descriptors are complete when created and never written afterwards: a service knows its RPCs, whichever way a
/// program adds its handlers and however many catalogues exist in the process.
/// </summary>
public sealed class DescriptorTests
{
    private static HelloReply Hello(HelloRequest request, Context context) => new() { Message = "Hello " + request.Name };

    [Fact]
    public void Each_descriptor_knows_its_service_and_the_service_all_its_rpcs()
    {
        var service = GreeterRpcs.SayHello.Service;

        Assert.Same(GreeterRpcs.Service, service);
        Assert.Same(service, GreeterRpcs.SayHelloAgain.Service);
        Assert.Equal(("helloworld", "Greeter", "helloworld.Greeter"), (service.Package, service.Name, service.FullName));
        Assert.Equal([GreeterRpcs.SayHello, GreeterRpcs.SayHelloAgain], service.Rpcs);
        Assert.Same(service.Rpcs, service.Rpcs);
        Assert.Equal("helloworld.Greeter", service.Descriptor?.FullName);
        Assert.Equal(["SayHello", "SayHelloAgain"], service.Descriptor!.Methods.Select(m => m.Name));
    }

    [Fact]
    public void A_service_list_of_rpcs_cannot_be_changed_through_the_list()
    {
        var rpcs = GreeterRpcs.Service.Rpcs;

        Assert.False(rpcs is RpcDescriptor[]);
        Assert.Throws<NotSupportedException>(() => ((IList<RpcDescriptor>)rpcs)[0] = GreeterRpcs.SayHelloAgain);
    }

    [Fact]
    public void Catalogues_index_the_services_without_changing_them()
    {
        var before = GreeterRpcs.Service.Rpcs.ToArray();

        // A catalogue of one service, beside the generated one of every service: neither touches the descriptors.
        var small = RpcMetadataServices.CreateCatalog([GreeterRpcs.Service]);
        var generated = GeneratedRpcCatalog.Instance;

        Assert.Same(GreeterRpcs.SayHello, small.Find("Greeter", "SayHello"));
        Assert.Same(GreeterRpcs.SayHello, generated.Find("helloworld.Greeter", "SayHello"));
        Assert.Equal(before, GreeterRpcs.Service.Rpcs);
        Assert.Equal([GreeterRpcs.Service], small.Services);
        Assert.Equal(generated.Services.Sum(s => s.Rpcs.Count), generated.Rpcs.Count);
        Assert.Throws<ArgumentException>(() => RpcMetadataServices.CreateCatalog([GreeterRpcs.Service, GreeterRpcs.Service]));
    }

    [Fact]
    public async Task Descriptor_form_and_two_catalogues_give_the_same_statistics_and_UNIMPLEMENTED_behaviour()
    {
        var otherCatalog = RpcMetadataServices.CreateCatalog([Echo.V1.EchoRpcs.Service, GreeterRpcs.Service]);
        var ways = new (string Name, Action<RpcServer> Add)[]
        {
            ("descriptor", s => s.AddHandler(GreeterRpcs.SayHello, Hello)),
            ("generated catalogue", s => s.AddHandler("Greeter", "SayHello", Hello)),
            ("another catalogue", s => RpcMetadataServices.AddHandler(s, otherCatalog, "helloworld.Greeter", "SayHello", Hello, package: null)),
        };

        var outcomes = new List<string>();
        foreach (var (name, add) in ways)
        {
            await using var server = await TestServer.StartAsync(add);
            var client = new Greeter.GreeterClient(server.Channel);

            var reply = await client.SayHelloAsync(new HelloRequest { Name = name });
            var error = await Assert.ThrowsAsync<RpcException>(() => client.SayHelloAgainAsync(new HelloRequest()).ResponseAsync);

            Assert.Equal("Hello " + name, reply.Message);
            var (rpc, exception) = Assert.Single(server.Reported);
            outcomes.Add(string.Join(
                "; ",
                error.StatusCode,
                rpc,
                exception.GetType().Name,
                string.Join(", ", server.Server.GetStatistics().OrderBy(s => s.Rpc, StringComparer.Ordinal))));
        }

        Assert.Equal(
            $"{GrpcStatusCode.Unimplemented}; /helloworld.Greeter/SayHelloAgain; NotImplementedException; "
            + "RpcStatistics { Rpc = /helloworld.Greeter/SayHello, Successful = 1, Failed = 0, MessagesReceived = 1, MessagesSent = 1 }, "
            + "RpcStatistics { Rpc = /helloworld.Greeter/SayHelloAgain, Successful = 0, Failed = 1, MessagesReceived = 1, MessagesSent = 0 }",
            Assert.Single(outcomes.Distinct()));
    }
}
