// The RouteGuide sample: `dotnet run` serves routeguide.RouteGuide on http://localhost:50051;
// `dotnet run -- client [url]` calls each of its four RPCs.
using Grpc.Core;
using Grpc.Net.Client;
using GrpcServer;
using RouteGuide;
using Routeguide;

var features = new List<Feature>
{
    Feature("Patriots Path, Mendham, NJ 07945, USA", 407838351, -746143763),
    Feature("101 New Jersey 10, Whippany, NJ 07981, USA", 408122808, -743999179),
    Feature("U.S. 6, Shohola, PA 18458, USA", 413628156, -749015468),
    Feature("5 Conners Road, Kingston, NY 12401, USA", 419999544, -740371136),
    Feature("Mid Hudson Psychiatric Center, New Hampton, NY 10958, USA", 414008389, -743951297),
    Feature("", 416802456, -742370183),
};

if (args is ["client", ..])
{
    using var channel = GrpcChannel.ForAddress(args.Length > 1 ? args[1] : RpcServerOptions.DefaultUrl);
    await RunClientAsync(new Routeguide.RouteGuide.RouteGuideClient(channel), features);
    return;
}

var server = new RpcServer(new RpcServerOptions { Args = args });
new RouteGuideHandlers(features).AddTo(server);
server.HandleRpc();

static Feature Feature(string name, int latitude, int longitude) =>
    new() { Name = name, Location = new Point { Latitude = latitude, Longitude = longitude } };

static async Task RunClientAsync(Routeguide.RouteGuide.RouteGuideClient client, List<Feature> features)
{
    var feature = await client.GetFeatureAsync(features[0].Location);
    Console.WriteLine($"GetFeature: {feature.Name}");

    var rectangle = new Rectangle
    {
        Lo = new Point { Latitude = 400000000, Longitude = -750000000 },
        Hi = new Point { Latitude = 420000000, Longitude = -730000000 },
    };
    using (var list = client.ListFeatures(rectangle))
    {
        await foreach (var found in list.ResponseStream.ReadAllAsync())
        {
            Console.WriteLine($"ListFeatures: {found.Name}");
        }
    }

    using (var record = client.RecordRoute())
    {
        foreach (var point in features.Select(f => f.Location))
        {
            await record.RequestStream.WriteAsync(point);
        }

        await record.RequestStream.CompleteAsync();
        var summary = await record;
        Console.WriteLine($"RecordRoute: {summary.PointCount} points, {summary.FeatureCount} features, {summary.Distance} m");
    }

    using var chat = client.RouteChat();
    var notes = new[] { "First message", "Second message", "Third message", "Fourth message" }
        .Select((text, i) => new RouteNote { Message = text, Location = new Point { Latitude = 0, Longitude = i % 2 } });
    var reading = Task.Run(async () =>
    {
        await foreach (var note in chat.ResponseStream.ReadAllAsync())
        {
            Console.WriteLine($"RouteChat: got '{note.Message}' at {note.Location.Latitude}, {note.Location.Longitude}");
        }
    });
    foreach (var note in notes)
    {
        await chat.RequestStream.WriteAsync(note);
    }

    await chat.RequestStream.CompleteAsync();
    await reading;
}
