using System.Globalization;
using System.Text.Json;

namespace Livechat.Client;

/// <summary>
/// DDP sends Meteor's EJSON: dates are <c>{"$date": epochMilliseconds}</c>. The client turns them into the REST API's
/// ISO strings, so one set of models reads both.
/// </summary>
internal static class Ejson
{
    public static JsonElement ToPlain(JsonElement element)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when IsDate(element, out var ms):
                writer.WriteStringValue(DateTime.UnixEpoch.AddMilliseconds(ms).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    static bool IsDate(JsonElement element, out double ms)
    {
        ms = 0;
        using var properties = element.EnumerateObject();
        if (!properties.MoveNext() || properties.Current.Name != "$date" || properties.Current.Value.ValueKind != JsonValueKind.Number) return false;
        ms = properties.Current.Value.GetDouble();
        return !properties.MoveNext();
    }
}
