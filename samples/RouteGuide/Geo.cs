using Routeguide;

namespace RouteGuide;

/// <summary>The route guide's geometry on E7 coordinates.</summary>
public static class Geo
{
    private const double CoordinateFactor = 1e7;

    /// <summary>Whether a point lies inside a rectangle given by any two opposite corners.</summary>
    public static bool Contains(Rectangle rectangle, Point point)
    {
        var left = Math.Min(rectangle.Lo.Longitude, rectangle.Hi.Longitude);
        var right = Math.Max(rectangle.Lo.Longitude, rectangle.Hi.Longitude);
        var top = Math.Max(rectangle.Lo.Latitude, rectangle.Hi.Latitude);
        var bottom = Math.Min(rectangle.Lo.Latitude, rectangle.Hi.Latitude);
        return point.Longitude >= left && point.Longitude <= right && point.Latitude >= bottom && point.Latitude <= top;
    }

    /// <summary>The great-circle distance between two points, in metres (haversine formula).</summary>
    public static int Distance(Point start, Point end)
    {
        const double EarthRadius = 6371000;
        var lat1 = ToRadians(start.Latitude / CoordinateFactor);
        var lat2 = ToRadians(end.Latitude / CoordinateFactor);
        var deltaLat = ToRadians((end.Latitude - start.Latitude) / CoordinateFactor);
        var deltaLon = ToRadians((end.Longitude - start.Longitude) / CoordinateFactor);
        var a = (Math.Sin(deltaLat / 2) * Math.Sin(deltaLat / 2)) +
                (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(deltaLon / 2) * Math.Sin(deltaLon / 2));
        return (int)(EarthRadius * 2 * Math.Atan2(Math.Sqrt(a), Math.Sqrt(1 - a)));
    }

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}
