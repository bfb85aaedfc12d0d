// One replica of the rolling-restart test: `--urls http://127.0.0.1:PORT --name r1 [--drain-delay-ms N]
// [--shutdown-timeout-ms N]` serves deployment.v1.Replica until SIGTERM. Echo answers at once; Stream sends
// `count` replies `interval_ms` apart, so calls are in flight when a replica is told to stop.
using System.Runtime.CompilerServices;
using Deployment.V1;
using GrpcServer;

var name = Option("--name") ?? "replica";
var options = new RpcServerOptions { Args = args };
if (Option("--shutdown-timeout-ms") is { } shutdownTimeout)
{
    options.ShutdownTimeout = TimeSpan.FromMilliseconds(int.Parse(shutdownTimeout, System.Globalization.CultureInfo.InvariantCulture));
}

if (Option("--drain-delay-ms") is { } drainDelay)
{
    options.DrainDelay = TimeSpan.FromMilliseconds(int.Parse(drainDelay, System.Globalization.CultureInfo.InvariantCulture));
}

var server = new RpcServer(options);
server.AddHandler("Replica", "Echo", (EchoRequest request, Context context) =>
    new EchoReply { Text = request.Text, Replica = name });
server.AddHandler("Replica", "Stream", (StreamRequest request, Context context) => Stream(request, name, context.CancellationToken));
server.HandleRpc();
return 0;

static async IAsyncEnumerable<EchoReply> Stream(StreamRequest request, string name, [EnumeratorCancellation] CancellationToken cancellationToken)
{
    for (var i = 0; i < request.Count; i++)
    {
        if (i > 0 && request.IntervalMs > 0)
        {
            await Task.Delay(request.IntervalMs, cancellationToken);
        }

        yield return new EchoReply { Text = request.Text, Replica = name, Index = i };
    }
}

string? Option(string option)
{
    var at = Array.IndexOf(args, option);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
