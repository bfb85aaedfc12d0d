using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace GrpcServer.Internal;

/// <summary>
/// Once an app that hosts the handlers (<c>MapGrpcHandlers</c>) listens, asks each of its plain <c>http://</c> endpoints
/// whether it speaks HTTP/2, as a gRPC client would (the HTTP/2 preface), and warns when none does. Kestrel's default
/// protocols, Http1AndHttp2, give HTTP/2 only over TLS, so an app with default settings on <c>http://</c> accepts
/// connections that every gRPC call then fails on ("the server did not complete the HTTP/2 handshake").
/// </summary>
/// <remarks>
/// Asked rather than read from Kestrel's options: the protocols of an endpoint come from code, configuration and
/// defaults, and Kestrel offers no way to list them. One loopback connection per endpoint, sending only the connection
/// preface, never a request: the app's middleware sees nothing. Kestrel answers HTTP/2 with its SETTINGS frame, and an
/// HTTP/1.x endpoint with a GOAWAY frame of error HTTP_1_1_REQUIRED (another server may answer in HTTP/1.1).
/// </remarks>
internal static class Http2EndpointCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);

    // The client connection preface (RFC 9113, 3.4) and an empty SETTINGS frame.
    private static readonly byte[] s_preface =
    [
        .. "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8,
        0, 0, 0, 0x4, 0, 0, 0, 0, 0,
    ];

    // GOAWAY, last stream 0, NO_ERROR: how a client that is done says so.
    private static readonly byte[] s_goAway = [0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];

    private const byte SettingsFrame = 0x4;
    private const byte GoAwayFrame = 0x7;
    private const uint Http11Required = 0xd;

    internal enum Answer
    {
        /// <summary>Could not tell (not reachable, not TCP, an unexpected answer).</summary>
        Unknown,

        Http2,

        Http1Only,

        /// <summary>An <c>https://</c> endpoint: HTTP/2 by ALPN unless the app turned it off; not asked.</summary>
        Tls,
    }

    /// <summary>Checks the endpoints of <paramref name="server"/> and logs what it found; never throws.</summary>
    public static async Task RunAsync(IServer server, ILogger logger, CancellationToken stopping)
    {
        try
        {
            if (server.Features.Get<IServerAddressesFeature>()?.Addresses is not { Count: > 0 } addresses)
            {
                return;
            }

            var answers = new List<(string Address, Answer Answer)>();
            foreach (var address in addresses)
            {
                answers.Add((address, await AskAsync(address, stopping).ConfigureAwait(false)));
            }

            Report(logger, answers);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
        {
            // The app stopped first: nothing left to warn about.
        }
    }

    internal static void Report(ILogger logger, IReadOnlyList<(string Address, Answer Answer)> answers)
    {
        var http1 = new List<string>();
        var callable = new List<string>();
        var results = new List<string>();
        foreach (var (address, answer) in answers)
        {
            (answer == Answer.Http1Only ? http1 : callable).Add(address);
            results.Add(address + " " + answer switch
            {
                Answer.Http2 => "speaks HTTP/2",
                Answer.Http1Only => "speaks HTTP/1.1 only",
                Answer.Tls => "is TLS (not asked)",
                _ => "did not tell",
            });
        }

        GrpcServerLog.Http2EndpointCheck(logger, string.Join("; ", results));
        if (http1.Count == 0)
        {
            return;
        }

        // An endpoint that could not be asked may serve gRPC; only when none can is it certain that no call works.
        if (callable.Count == 0)
        {
            GrpcServerLog.NoHttp2Endpoint(logger, string.Join(", ", http1));
        }
        else
        {
            GrpcServerLog.Http1OnlyEndpoints(logger, string.Join(", ", callable), string.Join(", ", http1));
        }
    }

    private static async Task<Answer> AskAsync(string address, CancellationToken stopping)
    {
        BindingAddress binding;
        try
        {
            binding = BindingAddress.Parse(address);
        }
        catch (FormatException)
        {
            return Answer.Unknown;
        }

        if (binding.Scheme.Equals("https", StringComparison.OrdinalIgnoreCase))
        {
            return Answer.Tls;
        }

        if (!binding.Scheme.Equals("http", StringComparison.OrdinalIgnoreCase) || binding.IsUnixPipe || binding.IsNamedPipe
            || Target(binding.Host) is not { } ip)
        {
            return Answer.Unknown;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(s_timeout);
        try
        {
            using var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(ip, binding.Port), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(s_preface, SocketFlags.None, timeout.Token).ConfigureAwait(false);

            var header = new byte[9];
            if (!await ReadAsync(socket, header, timeout.Token).ConfigureAwait(false))
            {
                return Answer.Unknown;
            }

            if (header.AsSpan().StartsWith("HTTP/"u8))
            {
                return Answer.Http1Only;
            }

            if (header[3] == SettingsFrame)
            {
                await socket.SendAsync(s_goAway, SocketFlags.None, timeout.Token).ConfigureAwait(false);
                return Answer.Http2;
            }

            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[8];
            if (header[3] == GoAwayFrame && length >= payload.Length && await ReadAsync(socket, payload, timeout.Token).ConfigureAwait(false)
                && BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(4)) == Http11Required)
            {
                return Answer.Http1Only;
            }

            return Answer.Unknown;
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            if (stopping.IsCancellationRequested)
            {
                throw new OperationCanceledException(stopping);
            }

            return Answer.Unknown;
        }
    }

    /// <summary>Where to connect to reach an endpoint: a wildcard or <c>localhost</c> through loopback.</summary>
    private static IPAddress? Target(string host)
    {
        if (host is "+" or "*" || host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip))
        {
            return null;
        }

        if (ip.Equals(IPAddress.Any))
        {
            return IPAddress.Loopback;
        }

        return ip.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : ip;
    }

    private static async Task<bool> ReadAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var count = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (count == 0)
            {
                return false;
            }

            read += count;
        }

        return true;
    }
}
