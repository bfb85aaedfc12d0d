using Grpc.Core;
using Routeguide;
using RouteGuide;

namespace GrpcServer.Tests;

/// <summary>The RouteGuide sample's handlers, one of each RPC kind, served and called for real.</summary>
public sealed class RouteGuideSampleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private static readonly Feature[] s_features =
    [
        new() { Name = "A", Location = new Point { Latitude = 10, Longitude = 10 } },
        new() { Name = "B", Location = new Point { Latitude = 20, Longitude = 20 } },
        new() { Name = "far", Location = new Point { Latitude = 900, Longitude = 900 } },
    ];

    private static Task<TestServer> StartAsync() => TestServer.StartAsync(s => new RouteGuideHandlers(s_features).AddTo(s));

    [Fact]
    public async Task GetFeature_returns_the_feature_at_the_point()
    {
        await using var server = await StartAsync();

        var feature = await new Routeguide.RouteGuide.RouteGuideClient(server.Channel).GetFeatureAsync(new Point { Latitude = 20, Longitude = 20 });

        Assert.Equal("B", feature.Name);
    }

    [Fact]
    public async Task ListFeatures_streams_the_features_inside_the_rectangle()
    {
        await using var server = await StartAsync();
        var rectangle = new Rectangle { Lo = new Point { Latitude = 0, Longitude = 0 }, Hi = new Point { Latitude = 100, Longitude = 100 } };

        using var call = new Routeguide.RouteGuide.RouteGuideClient(server.Channel).ListFeatures(rectangle);
        var names = new List<string>();
        await foreach (var feature in call.ResponseStream.ReadAllAsync().WithCancellation(new CancellationTokenSource(s_timeout).Token))
        {
            names.Add(feature.Name);
        }

        Assert.Equal(["A", "B"], names);
    }

    [Fact]
    public async Task ListFeatures_without_a_corner_is_INVALID_ARGUMENT()
    {
        await using var server = await StartAsync();

        using var call = new Routeguide.RouteGuide.RouteGuideClient(server.Channel).ListFeatures(new Rectangle());
        var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task RecordRoute_summarises_the_points_sent()
    {
        await using var server = await StartAsync();

        using var call = new Routeguide.RouteGuide.RouteGuideClient(server.Channel).RecordRoute();
        foreach (var feature in s_features)
        {
            await call.RequestStream.WriteAsync(feature.Location);
        }

        await call.RequestStream.CompleteAsync();
        var summary = await call.ResponseAsync.WaitAsync(s_timeout);

        Assert.Equal(3, summary.PointCount);
        Assert.Equal(3, summary.FeatureCount);
        Assert.True(summary.Distance > 0);
    }

    [Fact]
    public async Task RouteChat_answers_each_note_with_the_earlier_notes_at_its_point()
    {
        await using var server = await StartAsync();
        var here = new Point { Latitude = 1, Longitude = 1 };

        using var call = new Routeguide.RouteGuide.RouteGuideClient(server.Channel).RouteChat();
        await call.RequestStream.WriteAsync(new RouteNote { Location = here, Message = "first" });
        await call.RequestStream.WriteAsync(new RouteNote { Location = here, Message = "second" });
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        var answer = call.ResponseStream.Current;
        await call.RequestStream.CompleteAsync();

        Assert.Equal("first", answer.Message);
        Assert.False(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
    }

    [Fact]
    public async Task RouteChat_keeps_at_most_its_limit_of_notes_and_refuses_the_next_with_RESOURCE_EXHAUSTED()
    {
        await using var server = await TestServer.StartAsync(s => new RouteGuideHandlers(s_features, maxNotes: 3).AddTo(s));
        var client = new Routeguide.RouteGuide.RouteGuideClient(server.Channel);

        using (var call = client.RouteChat())
        {
            for (var i = 0; i < 3; i++)
            {
                await call.RequestStream.WriteAsync(new RouteNote { Location = new Point { Latitude = i }, Message = "kept" });
            }

            await call.RequestStream.CompleteAsync();
            Assert.False(await call.ResponseStream.MoveNext().WaitAsync(s_timeout));
        }

        using var refused = client.RouteChat();
        await refused.RequestStream.WriteAsync(new RouteNote { Location = new Point { Latitude = 9 }, Message = "one too many" });
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext().WaitAsync(s_timeout));

        Assert.Equal((StatusCode.ResourceExhausted, "The route guide keeps at most 3 notes; this one was not kept."), (error.StatusCode, error.Status.Detail));
        Assert.Equal("A", (await client.GetFeatureAsync(s_features[0].Location)).Name);
        Assert.Empty(server.Reported);
    }

    [Fact]
    public async Task RouteChat_refuses_a_note_without_a_location_or_too_long_with_INVALID_ARGUMENT()
    {
        await using var server = await StartAsync();
        var client = new Routeguide.RouteGuide.RouteGuideClient(server.Channel);

        var errors = new List<RpcException>();
        foreach (var note in new[]
        {
            new RouteNote { Message = "nowhere" },
            new RouteNote { Location = new Point(), Message = new string('x', RouteGuideHandlers.MaxNoteLength + 1) },
        })
        {
            using var call = client.RouteChat();
            await call.RequestStream.WriteAsync(note);
            errors.Add(await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext().WaitAsync(s_timeout)));
        }

        Assert.All(errors, e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Equal("A", (await client.GetFeatureAsync(s_features[0].Location)).Name);
        Assert.Empty(server.Reported);
    }
}
