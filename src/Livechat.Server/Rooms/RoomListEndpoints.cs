using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Data;
using Livechat.Server.Http;
using Livechat.Server.Security;
using Livechat.Server.Settings;
using Livechat.Server.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Livechat.Server.Rooms;

public static class RoomListEndpoints
{
    // GET livechat/rooms   auth (+ view-livechat-rooms, or view-l-room for the caller's own rooms)
    public static IEndpointRouteBuilder MapRoomList(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/livechat").WithTags("Rooms").MapGet("/rooms", List).RequireRocketChatAuth();
        return app;
    }

    static readonly ObjectSchema QuerySchema = Schema.Object(
        ("count", Schema.Any()), ("offset", Schema.Any()), ("sort", Schema.Any()), ("agents", Schema.Array(Schema.String())),
        ("roomName", Schema.String()), ("departmentId", Schema.Any()), ("open", Schema.String()), ("onhold", Schema.String()),
        ("queued", Schema.String()), ("createdAt", Schema.String()), ("closedAt", Schema.String()), ("tags", Schema.Array(Schema.String())),
        ("customFields", Schema.String()), ("units", Schema.Any()), ("query", Schema.Any()), ("fields", Schema.Any()));

    static readonly string[] Truthy = ["t", "true", "1"];

    static async Task<Results<Ok<RoomsResponse>, ApiError>> List(HttpRequest http, CurrentUser caller, LivechatDb db,
        SettingsStore settings, PermissionStore permissions, CancellationToken ct)
    {
        var q = (JsonObject)QuerySchema.Validate(Schema.FromQuery(http.Query))!;
        var agents = q["agents"]?.AsArray().Select(a => (string)a!).ToList();
        var ownRoomsOnly = agents is [var only] && only == caller.Id;
        if (!await permissions.HasAsync(caller, Permissions.ViewLivechatRooms, ct)
            && !(ownRoomsOnly && await permissions.HasAsync(caller, Permissions.ViewLRoom, ct)))
        {
            return ApiError.Forbidden();
        }
        var paging = await Paging.ReadAsync(http, settings, ct);
        var all = db.Rooms.AsNoTracking();
        var rooms = all;
        if (agents is not null) rooms = rooms.Where(r => r.ServedById != null && agents.Contains(r.ServedById));
        if ((string?)q["roomName"] is { Length: > 0 } roomName)
        {
            if (roomName.Length >= 2 && roomName[0] == '"' && roomName[^1] == '"')
            {
                var exact = roomName[1..^1];
                rooms = rooms.Where(r => r.Fname == exact);
            }
            else
            {
                var lower = roomName.ToLowerInvariant();
                rooms = rooms.Where(r => r.Fname.ToLower().Contains(lower));
            }
        }
        var departments = q["departmentId"] switch
        {
            JsonArray array => array.Select(d => d?.ToString() ?? "").ToList(),
            JsonNode single => [single.ToString()],
            null => null,
        };
        if (departments is not null) rooms = rooms.Where(r => r.DepartmentId != null && departments.Contains(r.DepartmentId));
        switch ((string?)q["open"])
        {
            case "true": rooms = rooms.Where(r => r.Open && r.ServedById != null); break;
            case "false": rooms = rooms.Where(r => !r.Open); break;
        }
        if (Truthy.Contains((string?)q["onhold"])) rooms = rooms.Where(r => r.OnHold);
        if (Truthy.Contains((string?)q["queued"])) rooms = rooms.Where(r => r.Open && r.ServedById == null);
        if ((string?)q["createdAt"] is { } createdAt)
        {
            var (start, end) = ParseRange(createdAt, "createdAt");
            if (start is { } s) rooms = rooms.Where(r => r.Ts >= s);
            if (end is { } e) rooms = rooms.Where(r => r.Ts <= e);
        }
        if ((string?)q["closedAt"] is { } closedAt)
        {
            var (start, end) = ParseRange(closedAt, "closedAt");
            if (start is { } s) rooms = rooms.Where(r => r.ClosedAt >= s);
            if (end is { } e) rooms = rooms.Where(r => r.ClosedAt <= e);
        }

        if ((string?)q["customFields"] is { } customFields)
        {
            foreach (var (key, value) in ParseCustomFields(customFields))
            {
                var lower = value.ToLowerInvariant();
                var fields = await ContainsCandidatesAsync(db, lower, ct);
                rooms = rooms.Where(r => fields.Where(f => f.Key == key && f.ValueLower.Contains(lower)).Select(f => f.RoomId).Contains(r.Id));
            }
        }

        int total;
        if (q["tags"]?.AsArray().Select(t => (string)t!).ToList() is { Count: > 0 } tags)
        {
            // The page walks the rooms in sort order and keeps those with a tag, stopping at a page. The count reads the
            // side table's (Tag, RoomId) index alone when no other filter applies, else only the rooms with a tag.
            // Both stay flat as rooms grow.
            var tagged = db.RoomTags.Where(t => tags.Contains(t.Tag)).Select(t => t.RoomId);
            total = ReferenceEquals(rooms, all)
                ? await (tags.Count == 1 ? tagged : tagged.Distinct()).CountAsync(ct)
                : await rooms.Where(r => tagged.Contains(r.Id)).CountAsync(ct);
            rooms = rooms.Where(r => db.RoomTags.Any(t => t.RoomId == r.Id && tags.Contains(t.Tag)));
        }
        else
        {
            total = await rooms.CountAsync(ct);
        }
        var page = await paging.Apply(Order(rooms, paging.Sort)).ToListAsync(ct);
        var departmentIds = page.Select(r => r.DepartmentId).OfType<string>().Distinct().ToList();
        var names = await db.Departments.AsNoTracking().Where(d => departmentIds.Contains(d.Id))
            .ToDictionaryAsync(d => d.Id, d => d.Name, ct);
        var views = page.Select(r => RoomView.From(r) with
        {
            Department = r.DepartmentId is { } id && names.TryGetValue(id, out var name) ? new DepartmentRef(id, name) : null,
        }).ToList();
        return TypedResults.Ok(new RoomsResponse(views, views.Count, paging.Offset, total));
    }

    /// <summary>A value held by at most this many custom-field rows is rare: its rooms are looked up by id.</summary>
    const int RareMatches = 5000;

    /// <summary>
    /// The room_fields rows a "contains" filter reads. On SQLite a rare value of three or more characters is found
    /// through the trigram index (migration Search), so its rooms are looked up by id; a common or short one
    /// reads the key's values in index order while the page walks the rooms in sort order. PostgreSQL's planner
    /// chooses between its trigram index and the key index itself.
    /// </summary>
    static async Task<IQueryable<RoomField>> ContainsCandidatesAsync(LivechatDb db, string lower, CancellationToken ct)
    {
        if (db.IsPostgres || lower.Length < 3) return db.RoomFields;
        var phrase = "\"" + lower.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";   // an FTS5 phrase: the value as a substring
        var matches = await db.Database.SqlQuery<int>(
            $"SELECT count(*) AS \"Value\" FROM (SELECT 1 FROM room_fields_trgm WHERE room_fields_trgm MATCH {phrase} LIMIT {RareMatches + 1})")
            .SingleAsync(ct);
        return matches > RareMatches
            ? db.RoomFields
            : db.RoomFields.FromSql($"SELECT * FROM room_fields WHERE rowid IN (SELECT rowid FROM room_fields_trgm WHERE room_fields_trgm MATCH {phrase})");
    }

    static IOrderedQueryable<LivechatRoom> Order(IQueryable<LivechatRoom> rooms, IReadOnlyList<(string Field, int Direction)>? sort)
    {
        var (field, direction) = sort is { Count: > 0 } ? sort[0] : ("ts", -1);
        var asc = direction > 0;
        var ordered = field switch
        {
            "fname" => asc ? rooms.OrderBy(r => r.Fname) : rooms.OrderByDescending(r => r.Fname),
            "closedAt" => asc ? rooms.OrderBy(r => r.ClosedAt) : rooms.OrderByDescending(r => r.ClosedAt),
            "lm" => asc ? rooms.OrderBy(r => r.Lm) : rooms.OrderByDescending(r => r.Lm),
            "msgs" => asc ? rooms.OrderBy(r => r.Msgs) : rooms.OrderByDescending(r => r.Msgs),
            _ => asc ? rooms.OrderBy(r => r.Ts) : rooms.OrderByDescending(r => r.Ts),
        };
        return ordered.ThenBy(r => r.Id);
    }

    static (DateTime? Start, DateTime? End) ParseRange(string json, string name)
    {
        var range = ParseJson(json, JsonParserMessage(json));
        DateTime? Bound(string key)
        {
            if (range is not JsonObject o || o[key] is not { } node) return null;
            return JsonSetup.ParseDate(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null)
                ?? throw ApiError.Failure($"The \"{name}.{key}\" query parameter must be a valid date.").ToException();
        }
        return (Bound("start"), Bound("end"));
    }

    static IEnumerable<(string Key, string Value)> ParseCustomFields(string json)
    {
        const string invalid = "The \"customFields\" query parameter must be a valid JSON.";
        if (ParseJson(json, invalid) is not JsonObject fields) throw ApiError.Failure(invalid).ToException();
        return fields.Select(f => (f.Key, f.Value is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : f.Value?.ToJsonString() ?? ""))
            .ToList();
    }

    static JsonNode? ParseJson(string json, string error)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            throw ApiError.Failure(error).ToException();
        }
    }

    /// <summary>V8's JSON.parse message for the first unexpected character, as Rocket.Chat echoes it.</summary>
    static string JsonParserMessage(string json)
    {
        var trimmed = json.TrimStart();
        return trimmed.Length == 0 ? "Unexpected end of JSON input" : $"Unexpected token '{trimmed[0]}', \"{json}\" is not valid JSON";
    }
}
