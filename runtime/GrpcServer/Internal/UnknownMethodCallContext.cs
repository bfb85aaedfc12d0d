using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace GrpcServer.Internal;

/// <summary>
/// The call context of a request for a method nobody serves, so that it can be reported with a
/// <see cref="Context"/> like any other call. grpc-dotnet creates no context for such requests.
/// </summary>
internal sealed class UnknownMethodCallContext(HttpContext http) : ServerCallContext
{
    private Metadata? _requestHeaders;

    protected override string MethodCore => http.Request.Path.Value ?? "";

    protected override string HostCore => http.Request.Host.Value ?? "";

    protected override string PeerCore => http.Connection.RemoteIpAddress switch
    {
        null => "unknown",
        { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } address => $"ipv6:[{address}]:{http.Connection.RemotePort}",
        var address => $"ipv4:{address}:{http.Connection.RemotePort}",
    };

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _requestHeaders ??= ReadHeaders(http.Request.Headers);

    protected override CancellationToken CancellationTokenCore => http.RequestAborted;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore { get; } = new(null, new Dictionary<string, List<AuthProperty>>());

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException("An unimplemented method's call cannot be propagated.");

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;

    private static Metadata ReadHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var (name, values) in headers)
        {
            if (name.StartsWith(':'))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (name.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    metadata.Add(name, Convert.FromBase64String(value));
                }
                else
                {
                    metadata.Add(name, value);
                }
            }
        }

        return metadata;
    }
}
