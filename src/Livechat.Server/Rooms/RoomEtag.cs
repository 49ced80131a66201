using System.Globalization;
using Livechat.Server.Events;
using Livechat.Server.Http;

namespace Livechat.Server.Rooms;

/// <summary>
/// A room's entity tag: its <c>_version</c> as a quoted strong ETag (<c>"7"</c>). Single-room answers send it in
/// <c>ETag</c>; <c>room.saveInfo</c> with <c>If-Match</c> writes only while the room still has it (RFC 9110 §13.1.1:
/// a list of tags, or <c>*</c>; weak tags never match a strong comparison).
/// </summary>
public static class RoomEtag
{
    public static string Of(int version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void Set(HttpResponse response, int version) => response.Headers.ETag = Of(version);

    public static bool Matches(string ifMatch, int version)
    {
        var current = Of(version);
        foreach (var part in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*" || part == current) return true;
        }
        return false;
    }

    /// <summary>412 <c>error-room-modified</c> with the current room, so the client can merge and retry.</summary>
    public static ApiError Modified(HttpResponse response, LivechatRoom room)
    {
        Set(response, room.Version);
        return ApiError.Custom(StatusCodes.Status412PreconditionFailed, new System.Text.Json.Nodes.JsonObject
        {
            ["success"] = false,
            ["error"] = "error-room-modified",
            ["errorType"] = "error-room-modified",
            ["details"] = new System.Text.Json.Nodes.JsonObject { ["room"] = JsonSetup.ToNode(RoomView.From(room)) },
        });
    }
}
