using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using GrpcServer;
using Routeguide;

namespace RouteGuide;

/// <summary>
/// The route guide's handlers: plain functions over a small feature database. The notes RouteChat keeps are bounded
/// (<paramref name="maxNotes"/> notes of at most <see cref="MaxNoteLength"/> characters), so that no client can make
/// the server keep more: a note over the limits ends the chat with a status and is not kept.
/// </summary>
/// <param name="features">The feature database.</param>
/// <param name="maxNotes">The most notes RouteChat keeps, over all points and clients.</param>
public sealed class RouteGuideHandlers(IReadOnlyList<Feature> features, int maxNotes = RouteGuideHandlers.DefaultMaxNotes)
{
    /// <summary>The most notes RouteChat keeps by default: about 10 MB at most.</summary>
    public const int DefaultMaxNotes = 10_000;

    /// <summary>The longest note RouteChat accepts, in characters.</summary>
    public const int MaxNoteLength = 1_000;

    private readonly ConcurrentDictionary<Point, ConcurrentQueue<RouteNote>> _notes = new();
    private int _noteCount;

    /// <summary>Adds the four handlers to a server.</summary>
    public RpcServer AddTo(RpcServer server) => server
        .AddHandler("RouteGuide", "GetFeature", GetFeature)
        .AddHandler("RouteGuide", "ListFeatures", ListFeatures)
        .AddHandler("RouteGuide", "RecordRoute", RecordRoute)
        .AddHandler("RouteGuide", "RouteChat", RouteChat);

    /// <summary>Unary: the feature at a point, or an unnamed feature when there is none.</summary>
    public Feature GetFeature(Point point, Context context) =>
        features.FirstOrDefault(f => f.Location.Equals(point)) ?? new Feature { Name = "", Location = point };

    /// <summary>Server streaming: every feature inside the rectangle, sent as it is found.</summary>
    public async IAsyncEnumerable<Feature> ListFeatures(Rectangle rectangle, Context context)
    {
        if (rectangle.Lo is null || rectangle.Hi is null)
        {
            context.Abort(StatusCode.InvalidArgument, "the rectangle needs both lo and hi");
        }

        foreach (var feature in features)
        {
            if (feature.Name.Length > 0 && Geo.Contains(rectangle, feature.Location))
            {
                await Task.Yield();
                yield return feature;
            }
        }
    }

    /// <summary>Client streaming: a summary of the route once the client has sent every point.</summary>
    public async Task<RouteSummary> RecordRoute(IAsyncEnumerable<Point> points, Context context)
    {
        var stopwatch = Stopwatch.StartNew();
        int pointCount = 0, featureCount = 0, distance = 0;
        Point? previous = null;
        await foreach (var point in points)
        {
            pointCount++;
            if (features.Any(f => f.Name.Length > 0 && f.Location.Equals(point)))
            {
                featureCount++;
            }

            if (previous is not null)
            {
                distance += Geo.Distance(previous, point);
            }

            previous = point;
        }

        return new RouteSummary
        {
            PointCount = pointCount,
            FeatureCount = featureCount,
            Distance = distance,
            ElapsedTime = (int)stopwatch.Elapsed.TotalSeconds,
        };
    }

    /// <summary>
    /// Bidirectional: for each note received, the notes left earlier at the same point, then the note is kept.
    /// A note without a location or longer than <see cref="MaxNoteLength"/> ends the chat with <c>INVALID_ARGUMENT</c>;
    /// once the guide keeps as many notes as it may, a new one ends it with <c>RESOURCE_EXHAUSTED</c>.
    /// </summary>
    public async IAsyncEnumerable<RouteNote> RouteChat(IAsyncEnumerable<RouteNote> notes, Context context)
    {
        await foreach (var note in notes)
        {
            if (note.Location is null || note.Message.Length > MaxNoteLength)
            {
                context.Abort(StatusCode.InvalidArgument, $"A note needs a location and at most {MaxNoteLength} characters.");
            }

            var atPoint = _notes.GetOrAdd(note.Location, _ => new ConcurrentQueue<RouteNote>());
            foreach (var earlier in atPoint.ToArray())
            {
                yield return earlier;
            }

            if (Interlocked.Increment(ref _noteCount) > maxNotes)
            {
                Interlocked.Decrement(ref _noteCount);
                context.Abort(StatusCode.ResourceExhausted, $"The route guide keeps at most {maxNotes} notes; this one was not kept.");
            }

            atPoint.Enqueue(note);
        }
    }
}
