// Right code in a project that lacks something in its project file (Grpc.Tools, or the Protobuf item): the build
// must say what, once, and nothing must fail inside the generated code.
using Calc.V1;
using GrpcServer;

var server = new RpcServer();
server.AddHandler("Calculator", "Compute", (ComputeRequest request, Context context) => new ComputeReply { Value = 42 });
server.HandleRpc();
