using System.Text.Json;
using System.Text.Json.Nodes;
using Livechat.Server.Http;
using Livechat.Server.Methods;

namespace Livechat.Server.Realtime;

/// <summary>
/// REST documents (dates as ISO strings) turned into what DDP clients expect: dates as EJSON <c>{"$date": epochMs}</c>.
/// The widget drops stream messages whose <c>ts</c> is a string. Only the date fields of Rocket.Chat's room, message,
/// inquiry and visitor documents are converted, so a message text that looks like a date stays text.
/// </summary>
public static class EjsonDocuments
{
    static readonly HashSet<string> DateFields = new(StringComparer.Ordinal)
    {
        "ts", "_updatedAt", "editedAt", "lm", "closedAt", "queuedAt", "takenAt", "lastMessageTs", "firstResponseTs",
        "_deletedAt", "lastChatTs", "estimatedServiceTimeAt", "dueAt",
    };

    /// <summary>A converted tree of <paramref name="document"/>, the caller's own.</summary>
    public static JsonObject Convert(Events.EventDocument document)
    {
        var tree = document.Parse();
        ConvertIn(tree);
        return tree;
    }

    static void ConvertIn(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var name in o.Select(p => p.Key).ToList())
                {
                    if (o[name] is JsonValue v && DateFields.Contains(name) && AsDate(v) is { } date) o[name] = date;
                    else ConvertIn(o[name]);
                }
                break;
            case JsonArray a:
                foreach (var item in a) ConvertIn(item);
                break;
        }
    }

    static JsonNode? AsDate(JsonValue v) =>
        v.GetValueKind() == JsonValueKind.String && JsonSetup.ParseDate(v.GetValue<string>()) is { } date ? Ejson.ToNode(date) : null;
}
