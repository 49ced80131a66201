using System.Text.Json;
using Livechat.Server.Settings;

namespace Livechat.Server.Http;

/// <summary>
/// Rocket.Chat's <c>offset</c>/<c>count</c>/<c>sort</c> query parameters (api-conventions §6): count defaults to
/// <c>API_Default_Count</c>, is capped at <c>API_Upper_Count_Limit</c>, and 0 means "all" when
/// <c>API_Allow_Infinite_Count</c> is true. <see cref="Sort"/> holds the parsed fields in order (1 or -1), or null.
/// </summary>
public sealed record Paging(int Offset, int? Count, IReadOnlyList<(string Field, int Direction)>? Sort)
{
    public static async Task<Paging> ReadAsync(HttpRequest request, SettingsStore settings, CancellationToken ct)
    {
        var query = request.Query;
        var offset = int.TryParse(query["offset"], out var o) && o > 0 ? o : 0;
        var defaultCount = await settings.GetIntAsync("API_Default_Count", ct);
        var upper = await settings.GetIntAsync("API_Upper_Count_Limit", ct);
        int? count = defaultCount;
        if (int.TryParse(query["count"], out var c) && c >= 0)
        {
            count = c == 0
                ? await settings.GetBoolAsync("API_Allow_Infinite_Count", ct) ? null : defaultCount
                : Math.Min(c, upper);
        }
        return new Paging(offset, count, ParseSort(query["sort"]));
    }

    static List<(string, int)>? ParseSort(string? raw)
    {
        if (raw is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw InvalidSort(raw);
            var fields = new List<(string, int)>();
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var d) || (d != 1 && d != -1))
                {
                    throw InvalidSort(raw);
                }
                fields.Add((property.Name, d));
            }
            return fields;
        }
        catch (JsonException)
        {
            throw InvalidSort(raw);
        }
    }

    static ApiException InvalidSort(string raw) =>
        ApiError.Coded("error-invalid-sort", $"Invalid sort parameter provided: \"{raw}\"").ToException();

    /// <summary>Applies offset and count to an already ordered query.</summary>
    public IQueryable<T> Apply<T>(IQueryable<T> ordered)
    {
        var page = ordered.Skip(Offset);
        return Count is { } count ? page.Take(count) : page;
    }
}
