using System.Collections.Generic;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Grpc.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace GrpcServer.Internal;

/// <summary>
/// gRPC server reflection (v1 and v1alpha) over the served services' .proto descriptors, which the generated
/// services point to (<see cref="RpcService.Descriptor"/>).
/// </summary>
internal static class ServerReflection
{
    public static void AddServices(IServiceCollection services, HandlerRegistry registry, bool health)
    {
        services.AddSingleton(_ => new ReflectionServiceImpl(Describe(registry, health)));
        services.AddSingleton(_ => new ReflectionV1ServiceImpl(Describe(registry, health)));
    }

    public static void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ReflectionServiceImpl>();
        endpoints.MapGrpcService<ReflectionV1ServiceImpl>();
    }

    private static List<ServiceDescriptor> Describe(HandlerRegistry registry, bool health)
    {
        var descriptors = new List<ServiceDescriptor>();
        var seen = new HashSet<string>();
        foreach (var rpc in registry.Rpcs())
        {
            if (rpc.Service.Descriptor is { } descriptor && seen.Add(descriptor.FullName))
            {
                descriptors.Add(descriptor);
            }
        }

        if (health)
        {
            descriptors.Add(Grpc.Health.V1.Health.Descriptor);
        }

        descriptors.Add(Grpc.Reflection.V1.ServerReflection.Descriptor);
        descriptors.Add(Grpc.Reflection.V1Alpha.ServerReflection.Descriptor);
        return descriptors;
    }
}
