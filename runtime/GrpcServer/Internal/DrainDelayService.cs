using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace GrpcServer.Internal;

/// <summary>
/// <see cref="RpcServerOptions.DrainDelay"/>: the host calls every <see cref="IHostedLifecycleService.StoppingAsync"/>
/// before any hosted service stops, Kestrel's included, so waiting here keeps the listener open, and the server
/// serving, while the health service already says NOT_SERVING.
/// </summary>
internal sealed class DrainDelayService(TimeSpan delay, IHostApplicationLifetime lifetime) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        // ApplicationStopping sets NOT_SERVING. A signal or WaitForShutdownAsync has raised it already; a direct
        // StopAsync on the host raises it only after StoppingAsync, so raise it now (it is raised once).
        lifetime.StopApplication();
        try
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The shutdown timeout ran out: stop now.
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
