using System.Text.Json;
using System.Text.Json.Serialization;

namespace Livechat.Server.Http;

/// <summary>Base of every success body: Rocket.Chat merges <c>"success": true</c> into the payload.</summary>
public abstract record ApiResponse
{
    [JsonPropertyOrder(1000)]
    public bool Success => true;
}

/// <summary><c>{"success":true}</c> alone.</summary>
public sealed record SuccessResponse : ApiResponse
{
    public static readonly SuccessResponse Instance = new();
}

/// <summary>A payload whose own fields are written at the top level, followed by <c>"success": true</c>.</summary>
[JsonConverter(typeof(MergedConverterFactory))]
public sealed record Merged<T>(T Payload);

public static class Merged
{
    public static Merged<T> Of<T>(T payload) => new(payload);
}

sealed class MergedConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Merged<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(MergedConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    sealed class MergedConverter<T> : JsonConverter<Merged<T>>
    {
        public override Merged<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Merged<T> is written only.");

        public override void Write(Utf8JsonWriter writer, Merged<T> value, JsonSerializerOptions options)
        {
            using var payload = JsonSerializer.SerializeToDocument(value.Payload, options);
            writer.WriteStartObject();
            foreach (var property in payload.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            writer.WriteBoolean("success", true);
            writer.WriteEndObject();
        }
    }
}
