// The gRPC interop test server: grpc.testing.TestService served with RpcServer.AddHandler, for the interop
// clients of any gRPC implementation.
//
//   dotnet run -- [--port 50051] [--host 127.0.0.1] [--use_tls] [--cert server.pem --key server.key]
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using GrpcServer;
using Interop;

RpcServerOptions options;
try
{
    options = InteropServer.ParseArgs(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(InteropServer.Usage);
    return 2;
}

if (options.TlsCertificate is { } certificate)
{
    // Clients have to be told to trust it: print what identifies it.
    Console.WriteLine($"TLS certificate: self-signed, {certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false)}, "
        + $"SHA-256 {certificate.GetCertHashString(HashAlgorithmName.SHA256)}");
}

InteropServer.Create(options).HandleRpc();
return 0;
