using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Livechat.Server.Http;

namespace Livechat.Server.Methods;

/// <summary>Meteor's EJSON as <c>method.call</c> carries it: JSON whose dates are <c>{"$date": epochMs}</c>.</summary>
public static class Ejson
{
    static readonly JsonSerializerOptions Options = Create();

    static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSetup.Options);
        // Converters are tried in order, so this one wins over the wire's ISO-date converter.
        options.Converters.Insert(0, new DateConverter());
        return options;
    }

    static readonly JsonSerializerOptions Text = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonNode? ToNode<T>(T value) => JsonSerializer.SerializeToNode(value, Options);

    /// <summary>Like <c>EJSON.stringify</c>: compact, without escaping what JSON does not require.</summary>
    public static string Stringify(JsonNode node) => node.ToJsonString(Text);

    sealed class DateConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("EJSON dates are written only.");

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            writer.WriteNumber("$date", new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            writer.WriteEndObject();
        }
    }
}
