using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Data;
using Livechat.Server.Events;
using Livechat.Server.Http;
using Livechat.Server.Rooms;
using Livechat.Server.Visitors;

namespace Livechat.Server.SaveInfo;

/// <summary><c>Prefer: return=representation</c>: the saved room and visitor (success first, as the extension documents).</summary>
public sealed record SaveInfoRepresentation(RoomView Room, VisitorView Visitor)
{
    [JsonPropertyOrder(-1)]
    public bool Success => true;
}

/// <summary><c>?dryRun=true</c>: what the save would change, field by field, with nothing written.</summary>
public sealed record SaveInfoDryRun(JsonObject Changes)
{
    [JsonPropertyOrder(-1)]
    public bool Success => true;
}

/// <summary>The opt-in answers of <c>room.saveInfo</c>; a plain call still answers exactly <c>{"success":true}</c>.</summary>
static class SaveInfoAnswers
{
    /// <summary><c>dryRun</c> from the query: absent or <c>false</c> is a real save, <c>true</c> a dry run.</summary>
    public static (bool DryRun, ApiError? Error) ReadDryRun(HttpRequest request) =>
        request.Query["dryRun"].ToString().ToLowerInvariant() switch
        {
            "" or "false" => (false, null),
            "true" => (true, null),
            _ => (false, ApiError.InvalidParams("must be boolean (dryRun)")),
        };

    /// <summary>Whether the caller asked for the representation (RFC 7240 <c>Prefer: return=representation</c>).</summary>
    public static bool WantsRepresentation(HttpRequest request) =>
        request.Headers["Prefer"].SelectMany(v => (v ?? "").Split([',', ';'], StringSplitOptions.TrimEntries))
            .Any(p => p.Equals("return=representation", StringComparison.OrdinalIgnoreCase));

    /// <summary>The audited changes the tracked room and visitor hold, in the change events' form.</summary>
    public static JsonObject Changes(LivechatDb db, LivechatRoom room, Visitor visitor)
    {
        db.ChangeTracker.DetectChanges();
        return ChangeFields.AuditedJson(ChangeFields.OfRoom(db.Entry(room)).Concat(ChangeFields.OfVisitor(db.Entry(visitor))));
    }

    public static SaveInfoRepresentation Representation(HttpResponse response, LivechatRoom room, Visitor visitor)
    {
        RoomEtag.Set(response, room.Version);
        response.Headers["Preference-Applied"] = "return=representation";
        return new SaveInfoRepresentation(RoomView.From(room), VisitorView.From(visitor));
    }
}
