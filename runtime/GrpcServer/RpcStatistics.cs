namespace GrpcServer;

/// <summary>
/// What one RPC has served since the server started, like the per-RPC statistics of the SR OS gRPC state tree.
/// Returned by <see cref="RpcServer.GetStatistics"/>; the same counts are published as
/// <see cref="System.Diagnostics.Metrics"/> instruments on the meter <see cref="RpcServer.MeterName"/>.
/// </summary>
/// <param name="Rpc">The full method path, such as <c>/helloworld.Greeter/SayHello</c>.</param>
/// <param name="Successful">Calls whose handler completed and whose responses were all written.</param>
/// <param name="Failed">Calls that ended with an error status from the handler side: <c>Abort</c>, an exception,
/// a <see langword="null"/> response, no handler, cancellation or a lost connection.</param>
/// <param name="MessagesReceived">Request messages read.</param>
/// <param name="MessagesSent">Response messages written.</param>
public sealed record RpcStatistics(string Rpc, long Successful, long Failed, long MessagesReceived, long MessagesSent);
