using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace GrpcServer.Deployment.Tests;

internal static class Repository
{
    /// <summary>The repository root this test assembly was built from.</summary>
    public static string Root { get; } = Path.GetFullPath(typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!);

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}

internal static class FreePorts
{
    /// <summary>
    /// Loopback ports that were free a moment ago. A replica restarts on the same port, so the port has to be chosen
    /// up front rather than with port 0; the operating system does not hand out a port it just handed out.
    /// </summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
