namespace CollabText.Json0;

/// <summary>What a json0 component does; each kind is one of the instruction sets the JSON form allows.</summary>
public enum Json0ComponentKind : byte
{
    /// <summary><c>{p, oi}</c>: set an object key (a new key, or one whose old value the op does not record); <c>p:[]</c> replaces the whole document.</summary>
    ObjectInsert,
    /// <summary><c>{p, od}</c>: remove an object key.</summary>
    ObjectDelete,
    /// <summary><c>{p, od, oi}</c>: replace an object key's value (<c>p:[]</c>: the whole document).</summary>
    ObjectReplace,
    /// <summary><c>{p, li}</c>: insert into a list before index p[-1].</summary>
    ListInsert,
    /// <summary><c>{p, ld}</c>: remove the list item at p[-1].</summary>
    ListDelete,
    /// <summary><c>{p, ld, li}</c>: replace the list item at p[-1].</summary>
    ListReplace,
    /// <summary><c>{p, lm}</c>: move the list item at p[-1] so that it ends at index lm.</summary>
    ListMove,
    /// <summary><c>{p, na}</c>: add a number to the number at p.</summary>
    NumberAdd,
    /// <summary><c>{p, si}</c>: insert text into the string at p[..-1], at UTF-16 offset p[-1].</summary>
    StringInsert,
    /// <summary><c>{p, sd}</c>: delete text from the string at p[..-1], at UTF-16 offset p[-1].</summary>
    StringDelete,
    /// <summary><c>{p, t:"text0", o}</c>: a text0 op on the string at p.</summary>
    Subtype,
}
