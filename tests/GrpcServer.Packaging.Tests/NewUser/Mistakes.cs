// A new user's first AddHandler calls for calc.v1.Calculator, one mistake a line. Each such line ends with the
// diagnostic it must get: `GRPCSRVnnn at "<where it starts>": <key words> | <key words>`. Built from the package.
using Calc.V1;
using GrpcServer;

var server = new RpcServer();
server.AddHandler("Calculator", "Compute", (ComputeRequest request) => new ComputeReply()); // GRPCSRV105 at "(ComputeRequest request)": unary RPC /calc.v1.Calculator/Compute | Func<ComputeRequest, Context, ComputeReply> | Add a Context parameter after the request.
server.AddHandler("Calculator", "Watch", Watch); // GRPCSRV105 at "Watch)": server streaming RPC /calc.v1.Calculator/Watch | Func<CountRequest, Context, IEnumerable<CountReply>> | Add a Context parameter after the request.
server.AddHandler("Calculator", "Count", (CountRequest request, Context context) => new CountReply()); // GRPCSRV105 at "(CountRequest request,": client streaming RPC /calc.v1.Calculator/Count | Func<IAsyncEnumerable<CountRequest>, Context, Task<CountReply>> | Take IAsyncEnumerable<CountRequest>, not CountRequest. | Return Task<CountReply>, not CountReply.
server.AddHandler("Calculator", "Compute", (Note note, Context context) => new ComputeReply()); // GRPCSRV105 at "(Note note,": /calc.v1.Calculator/Compute (ComputeRequest to ComputeReply) | Take ComputeRequest, not Note.
server.AddHandler("Calculator", "Compute", (CountRequest r, Context c) => new ComputeReply()); // GRPCSRV105 at "(CountRequest r,": /calc.v1.Calculator/Compute (ComputeRequest to ComputeReply) | Func<ComputeRequest, Context, ComputeReply> | Take ComputeRequest, not CountRequest.
server.AddHandler("calc.v1.Calculator", "Compute", (ComputeRequest r, Context c) => new ComputeReply()); // no diagnostic: the full name is a name
server.AddHandler("Calculator", "Compute", (ComputeRequest r, Context c) => new ComputeReply(), package: "calc"); // GRPCSRV103 at "\"calc\"": Service 'Calculator' is not declared in package 'calc'. | Did you mean 'calc.v1'?
server.AddHandler("Calculator", "Compte", (ComputeRequest r, Context c) => new ComputeReply()); // GRPCSRV102 at "\"Compte\"": Did you mean 'Compute'? | Its RPCs: Compute, Count, Watch.
server.AddHandler("Calculater", "Compute", (ComputeRequest r, Context c) => new ComputeReply()); // GRPCSRV101 at "\"Calculater\"": No service 'Calculater' | Did you mean 'Calculator'?
server.AddHandler("Calculator", "Compute", (request, context) => new ComputeReply()); // GRPCSRV107 at "(request, context)": The lambda's parameters need their types | write (ComputeRequest request, Context context) => ...
server.HandleRpc();

static IEnumerable<CountReply> Watch(CountRequest request)
{
    yield return new CountReply();
}
