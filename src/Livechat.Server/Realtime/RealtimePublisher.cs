using System.Text.Json.Nodes;

namespace Livechat.Server.Realtime;

/// <summary>
/// Turns what happened into Rocket.Chat's stream events for the subscribers of this process.
/// </summary>
public sealed class RealtimePublisher(StreamHub hub)
{
    /// <summary><c>stream-notify-room</c> <c>&lt;rid&gt;/&lt;kind&gt;</c> (typing, user-activity, deleteMessage).</summary>
    public void NotifyRoom(string rid, string kind, JsonArray args, DdpSession? origin = null) =>
        hub.Publish(StreamAccess.NotifyRoom, $"{rid}/{kind}", args, origin);
}
