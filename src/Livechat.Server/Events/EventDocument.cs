using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Events;

/// <summary>
/// A document carried by a <see cref="ChangeEvent"/> (the room, message, inquiry or visitor after the change), kept as
/// the UTF-8 JSON it was serialised to once, when the event was made. Storing the event in <c>change_events</c> copies
/// those bytes as they are; a JSON tree is built only for a consumer that reads the document (a realtime subscriber, a
/// webhook), and only then. Every write makes events, while most have nobody listening in this process, so the
/// document is usually serialised once and never parsed.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class EventDocument
{
    readonly byte[] _utf8;
    JsonObject? _node;

    EventDocument(byte[] utf8) => _utf8 = utf8;

    /// <summary>The wire shape of <paramref name="view"/> (a <c>RoomView</c>, <c>MessageView</c>…), as the REST API answers it.</summary>
    public static EventDocument Of<T>(T view) => new(JsonSerializer.SerializeToUtf8Bytes(view, JsonSetup.Options));

    /// <summary>
    /// The document as a tree, parsed on first use and shared by every reader of this event: read it, never change it
    /// (<see cref="Parse"/> gives a tree of one's own).
    /// </summary>
    public JsonObject Node
    {
        get
        {
            if (_node is { } node) return node;
            Interlocked.CompareExchange(ref _node, Parse(), null);
            return _node;
        }
    }

    /// <summary>A field of the document (see <see cref="Node"/>: read, never change).</summary>
    public JsonNode? this[string name] => Node[name];

    /// <summary>A new tree of the document, the caller's to change.</summary>
    public JsonObject Parse() => JsonNode.Parse(_utf8)!.AsObject();

    public override string ToString() => System.Text.Encoding.UTF8.GetString(_utf8);

    sealed class Converter : JsonConverter<EventDocument>
    {
        public override EventDocument Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("An event document is a JSON object.");
            using var document = JsonDocument.ParseValue(ref reader);
            return new EventDocument(JsonSerializer.SerializeToUtf8Bytes(document.RootElement));
        }

        public override void Write(Utf8JsonWriter writer, EventDocument value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value._utf8, skipInputValidation: true);
    }
}
