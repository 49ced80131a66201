using System.Text.Json.Nodes;
using Livechat.Server.CustomFields;

namespace Livechat.Server.Tests.CustomFields;

public sealed class CustomFieldValuesTests
{
    static CustomField Field(string id, string? regexp = null) =>
        new() { Id = id, Label = $"Label {id}", Scope = "room", Visibility = "visible", Regexp = regexp, UpdatedAt = DateTime.UtcNow };

    [Theory]
    [InlineData("null", "")]
    [InlineData("false", "")]
    [InlineData("0", "")]
    [InlineData("\"\"", "")]
    [InlineData("true", "true")]
    [InlineData("1.5", "1.5")]
    [InlineData("1e21", "1e+21")]
    [InlineData("[1,null,[2,3],\"a\"]", "1,,2,3,a")]
    [InlineData("{\"a\":1}", "[object Object]")]
    [InlineData("\"  padded \"", "padded")]
    public void RoomValuesAreNormalisedLikeJavaScriptStringThenTrimmed(string json, string expected)
    {
        var input = new JsonObject { ["f"] = JsonNode.Parse(json) };

        var values = CustomFieldValues.Normalise([Field("f")], input);

        Assert.Equal(expected, Assert.Single(values).Value);
    }

    [Fact]
    public void ApplyMergesKeepsOtherKeysRemovesEmptyValuesAndDropsUnknownKeys()
    {
        var existing = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["other"] = "x" };
        var input = JsonNode.Parse("""{"a":"","b":" 3 ","unknown":"y"}""")!.AsObject();

        var (edit, error) = CustomFieldValues.Apply([Field("a"), Field("b")], input, existing);

        Assert.Null(error);
        Assert.True(edit!.Changed);
        Assert.Equal(new Dictionary<string, string> { ["b"] = "3", ["other"] = "x" }, edit.Values);
    }

    [Fact]
    public void AnEditOfOnlyUnknownOrEmptyKeysLeavesAnAbsentMapAbsent()
    {
        var input = JsonNode.Parse("""{"a":"","unknown":"y"}""")!.AsObject();

        var (edit, _) = CustomFieldValues.Apply([Field("a")], input, null);

        Assert.False(edit!.Changed);
        Assert.Null(edit.Values);
    }

    [Fact]
    public void TheFirstFailingDefinitionInIdOrderIsReportedByLabelAndMatchingIsUnanchored()
    {
        var input = JsonNode.Parse("""{"b":"x","a":"nope","c":"a1"}""")!.AsObject();

        var (_, error) = CustomFieldValues.Apply([Field("a", "^\\d+$"), Field("b", "^\\d+$"), Field("c", "\\d+")], input, null);
        var (unanchored, none) = CustomFieldValues.Apply([Field("c", "\\d+")], input, null);

        Assert.Equal("""{"success":false,"error":"Invalid value for Label a field"}""", error!.Body.ToJsonString());
        Assert.Null(none);
        Assert.Equal("a1", unanchored!.Values!["c"]);
    }
}
